"""Questions about the reports themselves: which report covers a year, who issued it, its number, its signature."""

from __future__ import annotations

import re

from answer.builders.common import AnswerContext, Span, abstain, answered, owner, quote
from answer.evidence import CitationBook
from answer.types import Answer
from corpus.chunk import sentence_spans
from corpus.clean import IDENTITY_LINE
from corpus.patterns import normalize_for_search
from corpus.sections import is_heading_only, signature_start
from corpus.types import Report
from index.units import bigrams
from retriever.analysis import QueryPlan

_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}\[\d{4}\]\d{1,4}号")
_ASKS_SIGNATURE = re.compile(r"落款|署名|什么时候|哪天|日期|时间|哪些单位|印发")


def build(context: AnswerContext, plan: QueryPlan) -> Answer:
    """One line per matching report: title, issuer, number and date, each quoted where the text states it."""
    sources = context.retriever.sources_matching(plan.filters)
    number = _DOC_NUMBER.search(plan.resolved)
    if number:
        sources = [s for s in sources if context.retriever.metas[s].doc_number
                   and normalize_for_search(context.retriever.metas[s].doc_number or "") in plan.resolved]
    book = CitationBook()
    lines: list[str] = []
    for source in sources:
        report = context.retriever.report(source)
        if report is None:
            continue
        spans = _identity_spans(report, bool(_ASKS_SIGNATURE.search(plan.resolved)))
        details = _details(report)
        quotes = "".join(quote(context, book, Span((), source, s, e, 1.0)) for s, e in spans)
        lines.append(f"- {owner(context, source)}：《{report.meta.title}》{details}。{quotes}")
    if not lines:
        condition = plan.filters.describe() or (number.group(0) if number else "")
        return abstain(context, plan, f"报告库中没有符合条件（{condition}）的报告。")
    return answered(context, plan, f"符合条件的报告共{len(lines)}份：\n" + "\n".join(lines), book)


def _details(report: Report) -> str:
    meta = report.meta
    parts = [("发布单位", meta.issuing_body), ("文号", meta.doc_number), ("发布日期", meta.publish_date)]
    return "".join(f"，{name}：{value}" for name, value in parts if value)


def _identity_spans(report: Report, with_signature: bool) -> list[tuple[int, int]]:
    """The header rows kept in the text; of the opening sentences naming the report's year, the first and the one
    most like the title (现将…2023年法治政府建设情况报告如下); the signature if asked."""
    text = report.text
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n")[:8]:
        if IDENTITY_LINE.match(line):
            spans.append((offset, offset + len(line)))
        offset += len(line) + 1
    year = report.meta.year
    opening = sentence_spans(text, 0, min(len(text), 800))
    stating = [(s, e) for s, e in opening if year and f"{year}年" in text[s:e]
               and not IDENTITY_LINE.match(text[s:e]) and not is_heading_only(text[s:e], s, e, report.sections)]
    if stating:  # the first to state the year (2020年,在…领导下) and the one most like the title, if another
        spans += {stating[0], max(stating, key=lambda span: _like_title(text[span[0]:span[1]], report.meta.title))}
    signature = signature_start(text)
    if with_signature and signature < len(text):
        spans.append((signature + (1 if text[signature] == "\n" else 0), len(text)))
    return sorted(set(spans))


def _like_title(sentence: str, title: str) -> float:
    """How much a sentence reads as the report's title: shared bigrams over the root of its own bigram count."""
    own = bigrams(normalize_for_search(sentence))
    return len(own & bigrams(normalize_for_search(title))) / (len(own) ** 0.5 or 1.0)
