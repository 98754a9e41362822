"""HTML for the web app: answers with clickable markers, source cards, the report viewer. All text escaped.

Every answer of a conversation keeps its own group of sources: card ids carry the answer's number
(`src-<answer>-<n>`), so a marker of an earlier answer still points at that answer's source.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from answer.types import Answer, Citation, Passage
from answer.wording import WordingHit
from corpus.types import Report

_MARKER = re.compile(r"\[(\d+)\]")
CONTEXT_CHARS = 120
NO_SOURCES = '<div class="sources-empty">（暂无来源：提问后，这里按回答列出所引用的原文）</div>'
CLOSEST_HEADING = "最相关的段落"
CLOSEST_NOTE = "没有找到能回答这个问题的内容。以下只是与问题最接近的原文，不是回答的依据。"


@dataclass(frozen=True, slots=True)
class SourceGroup:
    """The rendered sources of one answer of the conversation."""

    number: int
    question: str
    body: str


def card_id(number: int, n: int) -> str:
    """The element id of citation n of answer number."""
    return f"src-{number}-{n}"


def answer_markdown(answer: Answer, number: int) -> str:
    """The answer for the chat: report text and user input shown as text, [n] linked to this answer's card n."""
    escaped = html.escape(answer.answer, quote=False)
    known = {c.n for c in answer.citations}
    return _MARKER.sub(lambda m: f'<a href="#{card_id(number, int(m.group(1)))}" class="cite">[{m.group(1)}]</a>'
                       if int(m.group(1)) in known else m.group(0), escaped)


def sources_group(answer: Answer, number: int, report_text: Mapping[str, str]) -> SourceGroup:
    """One card per citation; for an abstention, the closest passages under their own heading."""
    if answer.citations:
        body = "\n".join(_citation_card(c, number, report_text.get(c.source, "")) for c in answer.citations)
    elif not answer.answerable and answer.passages:
        cards = "\n".join(_passage_card(p, number, i) for i, p in enumerate(answer.passages, start=1))
        body = (f'<div class="closest"><div class="closest-head">{CLOSEST_HEADING}</div>'
                f'<div class="closest-note">{CLOSEST_NOTE}</div>\n{cards}</div>')
    else:
        body = '<div class="sources-empty">（这条回答没有引用来源）</div>'
    return SourceGroup(number, answer.question, body)


def sources_panel(groups: Sequence[SourceGroup]) -> str:
    """Every answer's sources, newest first and unfolded; earlier answers folded until one of their markers is hit."""
    if not groups:
        return NO_SOURCES
    newest = max(g.number for g in groups)
    return "\n".join(
        f'<details class="source-group" id="answer-{g.number}"{" open" if g.number == newest else ""}>'
        f'<summary>第{g.number}问：{html.escape(g.question)}</summary>\n{g.body}</details>'
        for g in sorted(groups, key=lambda g: -g.number))


def _citation_card(citation: Citation, number: int, text: str) -> str:
    before = text[max(0, citation.start - CONTEXT_CHARS):citation.start]
    after = text[citation.end:citation.end + CONTEXT_CHARS]
    return (
        f'<div class="source-card" id="{card_id(number, citation.n)}">'
        f'<div class="source-head"><b>[{citation.n}]</b> {html.escape(citation.title)}</div>'
        f'{_meta(citation.region, citation.year, citation.section, citation.page)}'
        f'<div class="source-passage">…{html.escape(before)}<mark>{html.escape(citation.quote)}</mark>'
        f'{html.escape(after)}…</div>{_open_link(citation.source, citation.start, citation.end)}</div>')


def _passage_card(passage: Passage, number: int, rank: int) -> str:
    return (
        f'<div class="source-card passage-card" id="src-{number}-p{rank}">'
        f'{_meta(passage.region, passage.year, passage.section)}'
        f'<div class="source-passage">{html.escape(passage.text)}</div>'
        f'{_open_link(passage.source, passage.start, passage.end)}</div>')


def _meta(region: str | None, year: int | None, section: str, page: int | None = None) -> str:
    where = f" · 第{page}页" if page else ""
    return (f'<div class="source-meta">{html.escape(region or "")} · {year or ""}年 · '
            f'{html.escape(section or "正文")}{where}</div>')


def _open_link(source: str, start: int, end: int) -> str:
    link = f"/report/{quote(source)}?start={start}&end={end}#hl"
    return f'<a class="open-report" href="{html.escape(link)}" target="_blank">打开原文</a>'


def wording_html(hits: Sequence[WordingHit], regions: Mapping[str, str]) -> str:
    """Found wording, numbered in the text itself (so 10 and up are never clipped), near-duplicates counted.

    regions maps a report's file name to its region, to say where the folded sentences come from.
    """
    if not hits:
        return '<div class="wording-empty">（没有找到相关表述）</div>'
    items = []
    for number, hit in enumerate(hits, start=1):
        folded = ""
        if hit.count > 1:
            variants = "".join(f'<div class="wording-variant">{html.escape(regions.get(source) or source)}：'
                               f"{html.escape(text)}</div>" for source, text in hit.variants)
            folded = (f'<details class="wording-folded"><summary>另有{hit.count - 1}处相近表述</summary>'
                      f"{variants}</details>")
        year = f"{hit.year}年" if hit.year else "年度不详"
        items.append(
            f'<div class="wording-hit"><span class="wording-n">{number}.</span> '
            f'<b>{html.escape(hit.region or hit.source)}（{year}）</b> {html.escape(hit.text)}'
            f'<div class="wording-section">{html.escape(hit.section)}</div>{folded}</div>')
    return "\n".join(items)


def report_page(report: Report, start: int | None, end: int | None) -> str:
    """A stand-alone page with the whole report, the cited span marked and scrolled to (#hl)."""
    text = report.text
    if start is not None and end is not None and 0 <= start < end <= len(text):
        body = (html.escape(text[:start]) + f'<mark id="hl">{html.escape(text[start:end])}</mark>'
                + html.escape(text[end:]))
    else:
        body = html.escape(text)
    meta = report.meta
    facts = " · ".join(html.escape(str(v)) for v in (meta.region, meta.year and f"{meta.year}年",
                                                    meta.issuing_body, meta.publish_date) if v)
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<title>{html.escape(meta.title)}</title><style>"
        "body{font-family:sans-serif;max-width:52em;margin:2em auto;line-height:1.8;padding:0 1em}"
        "pre{white-space:pre-wrap;font-family:inherit}mark{background:#ffe066;padding:0 2px}</style></head>"
        f"<body><h1>{html.escape(meta.title)}</h1><p>{facts}</p><pre>{body}</pre></body></html>")
