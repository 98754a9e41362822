"""The default answerer: offline and deterministic, every statement a verbatim sentence with a citation."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from answer.evidence import CitationBook, Sentence, passages_in_rank_order, score_sentences, sentences_of
from answer.matching import contains_head, has_figure, normalized_fragments
from answer.types import Answer
from corpus.chunk import sentence_spans
from corpus.types import Section
from retriever.analysis import Filters, QueryPlan, topic_fragments
from retriever.hybrid import HybridRetriever
from retriever.types import Hit


@dataclass(frozen=True, slots=True)
class ExtractiveOptions:
    """Thresholds of the extractive answerer (scores run from 0 to 1)."""

    abstain_below: float = 0.55  # best sentence weaker than this: the corpus does not answer it
    list_min: float = 0.75  # a report joins a cross-report list only with a sentence this strong
    wording_min: float = 0.7
    wording_per_report: int = 3
    section_points: int = 8
    retrieve_k: int = 12


class ExtractiveAnswerer:
    """Composes answers from the reports' own sentences, each carrying a citation marker."""

    mode = "extractive"

    def __init__(self, retriever: HybridRetriever, options: ExtractiveOptions | None = None) -> None:
        self.retriever = retriever
        self.options = options or ExtractiveOptions()

    def answer(self, plan: QueryPlan) -> Answer:
        """Answer one analysed question."""
        if plan.foreign_places and not plan.filters.regions:
            return _abstain(plan, f"报告库中没有{'、'.join(plan.foreign_places)}的报告，无法回答这个问题。")
        handler = {"list": self._list, "wording": self._wording, "compare": self._compare,
                   "section": self._section, "filter": self._filter}.get(plan.intent, self._facts)
        return handler(plan)

    # -- one fact or figure -------------------------------------------------------------------
    def _facts(self, plan: QueryPlan) -> Answer:
        hits = self.retriever.retrieve(plan.resolved, plan.filters, self.options.retrieve_k)
        sentences = sentences_of(hits)
        book = CitationBook()
        lines: list[str] = []
        chosen: set[tuple[str, int]] = set()
        for part in self._sub_questions(plan):
            numeric = plan.intent == "numeric"
            ranked = score_sentences(sentences, part, numeric=numeric)
            # A figure is asked for: the best sentence that states one, not a lead-in without any.
            top = next((s for s in ranked if has_figure(s.sentence.text)), None) if numeric else None
            top = top or (ranked[0] if ranked else None)
            if top is None or top.score < self.options.abstain_below:
                continue
            best = top.sentence
            if best.key in chosen:
                continue
            chosen.add(best.key)
            quotes = [best, *self._continuation(best, sentences)]
            lines.append(_line(best.hit, "".join(book.quoted(s) for s in quotes)))
        if not lines:
            return _abstain(plan, _not_found(plan))
        return _answer(plan, "\n".join(lines), book, hits)

    def _sub_questions(self, plan: QueryPlan) -> list[list[str]]:
        """Topic fragments of each part of a multi-part question (…多少件？…是多少？)."""
        out = []
        for part in re.split(r"[？?；;]|其中", plan.resolved):
            fragments = normalized_fragments(topic_fragments(self.retriever.resolver.strip(part)))
            if fragments:
                out.append(fragments)
        return out or [normalized_fragments([plan.topic])]

    def _continuation(self, sentence: Sentence, sentences: Sequence[Sentence]) -> list[Sentence]:
        """A short lead-in sentence without figures ("建强调解组织。") needs the sentence that follows it."""
        if len(sentence.text) >= 30 or re.search(r"\d", sentence.text):
            return []
        following = [s for s in sentences if s.hit.row_id == sentence.hit.row_id and s.start > sentence.start]
        return following[:1]

    # -- every report that says so ------------------------------------------------------------
    def _list(self, plan: QueryPlan) -> Answer:
        fragments = normalized_fragments(topic_fragments(plan.topic) or [plan.topic])
        heads = _heads(plan, fragments)
        numeric = plan.wants_figure or bool(re.search(r"\d", plan.topic))
        chosen, considered = self._best_per_report(plan, fragments, heads, self.options.list_min, 2, numeric)
        if not chosen:
            return _abstain(plan, _not_found(plan))
        book = _cite_round_robin(chosen)
        lines = [f"- {_line(s[0].hit, ''.join(book.quoted(x) for x in s))}" for s in chosen.values()]
        intro = f"共有{len(lines)}份报告涉及：" if len(lines) > 1 else "有1份报告涉及："
        return _answer(plan, intro + "\n" + "\n".join(lines), book, considered)

    # -- precedent wording for drafters -----------------------------------------------------
    def _wording(self, plan: QueryPlan) -> Answer:
        fragments = normalized_fragments(list(plan.quoted) or topic_fragments(plan.topic))
        chosen, considered = self._best_per_report(plan, fragments, [], self.options.wording_min,
                                                   self.options.wording_per_report, False)
        if not chosen:
            return _abstain(plan, _not_found(plan))
        book = _cite_round_robin(chosen)
        blocks = []
        for sentences in chosen.values():
            meta = sentences[0].hit.meta
            quotes = "\n".join(f"> {book.quoted(s)}" for s in sentences)
            blocks.append(f"**{meta.region or sentences[0].hit.chunk.source}**（{meta.year or '?'}年报告）\n{quotes}")
        return _answer(plan, "可借鉴的原文表述：\n\n" + "\n\n".join(blocks), book, considered)

    def _best_per_report(self, plan: QueryPlan, fragments: list[str], heads: list[str], minimum: float,
                         per_report: int, numeric: bool) -> tuple[dict[str, list[Sentence]], list[Hit]]:
        """Each report's best sentences (all heads present, score >= minimum), reports by best score.

        Candidates are every report's best chunks plus every chunk that contains the heads or quoted
        phrases verbatim: a list must be complete, not cut at a global top-k.
        """
        candidates = self.retriever.per_report(plan.resolved, plan.filters, per_report=6)
        exact = heads or normalized_fragments(list(plan.quoted))
        for source, hits in self.retriever.containing(exact, plan.filters).items():
            candidates[source] = [*candidates.get(source, []), *hits]
        scored: list[tuple[float, str, list[Sentence]]] = []
        considered: list[Hit] = []
        for source, hits in candidates.items():
            considered += hits
            ranked = [s for s in score_sentences(sentences_of(hits), fragments, numeric)
                      if s.score >= minimum and all(contains_head(h, s.sentence.normalized) for h in heads)]
            if ranked:
                scored.append((ranked[0].score, self.retriever.metas[source].region or source,
                               [s.sentence for s in ranked[:per_report]]))
        scored.sort(key=lambda item: (-item[0], item[1]))
        return {sentences[0].hit.chunk.source: sentences for _, _, sentences in scored}, considered

    # -- one line per region ----------------------------------------------------------------
    def _compare(self, plan: QueryPlan) -> Answer:
        book = CitationBook()
        lines: list[str] = []
        considered: list[Hit] = []
        fragments = normalized_fragments(topic_fragments(plan.topic) or [plan.topic])
        for region in plan.filters.regions:
            hits = self.retriever.retrieve(plan.resolved, Filters(regions=(region,)), self.options.retrieve_k)
            considered += hits
            ranked = score_sentences(sentences_of(hits), fragments, numeric=plan.wants_figure)
            if ranked and ranked[0].score >= self.options.abstain_below:
                best = ranked[0].sentence
                lines.append(f"- {_line(best.hit, book.quoted(best))}")
            else:
                lines.append(f"- **{region}**：报告中未找到相关内容。")
        if not book.citations:
            return _abstain(plan, _not_found(plan))
        return _answer(plan, "\n".join(lines), book, considered)

    # -- the points of a section --------------------------------------------------------------
    def _section(self, plan: QueryPlan) -> Answer:
        focus = [f for f in topic_fragments(plan.topic) if not _KIND_WORDS.fullmatch(f)]
        if plan.filters.kinds and not focus:
            return self._section_of_kind(plan)  # "存在哪些问题": the points of that part of the report
        hits = self.retriever.retrieve(plan.resolved, plan.filters, self.options.retrieve_k)
        sentences = sentences_of(hits)
        fragments = normalized_fragments(focus or [plan.topic])
        ranked = score_sentences(sentences, fragments)
        if not ranked or ranked[0].score < self.options.abstain_below:
            return _abstain(plan, _not_found(plan))
        best = ranked[0].sentence
        picked = [best, *self._section_follow_on(best)]
        phrases = normalized_fragments(list(plan.quoted))
        picked += [s.sentence for s in ranked[1:] if phrases and any(p in s.sentence.normalized for p in phrases)
                   and s.sentence.key not in {p.key for p in picked}][:3]
        book = CitationBook()
        lines = [f"- {book.quoted(s)}" for s in picked[:self.options.section_points]]
        return _answer(plan, f"{_owner(best.hit)}：\n" + "\n".join(lines), book, hits)

    def _section_follow_on(self, sentence: Sentence) -> list[Sentence]:
        """If the sentence opens a section, the rest of that section's opening sentences."""
        report = self.retriever.index.report(sentence.hit.chunk.source)
        if report is None:
            return []
        section = report.sections[sentence.hit.chunk.section_id]
        spans = sentence_spans(report.text, section.start, section.end)
        position = next((i for i, (s, _) in enumerate(spans) if s == sentence.start), None)
        if position is None:
            return []
        take = spans[position + 1: position + 4] if position <= 1 else spans[position + 1: position + 2]
        return [self._sentence_at(sentence.hit, report.text, s, e) for s, e in take]

    def _sentence_at(self, near: Hit, text: str, start: int, end: int) -> Sentence:
        hit = self.retriever.hit_at(near.chunk.source, start) or near
        return Sentence(hit, 0, start, end, text[start:end], "")

    def _section_of_kind(self, plan: QueryPlan) -> Answer:
        book = CitationBook()
        blocks: list[str] = []
        cited: list[Hit] = []
        for source in self.retriever.sources_matching(plan.filters):
            report = self.retriever.index.report(source)
            if report is None:
                continue
            tops = [s for s in report.sections if s.kind in plan.filters.kinds and s.parent_id == 0]
            lines: list[str] = []
            for top in tops:
                for start, end in _points(report.sections, top, report.text)[:self.options.section_points]:
                    hit = self.retriever.hit_at(source, start)
                    if hit is not None:
                        quote = report.text[start:end]
                        lines.append(f"{len(lines) + 1}. {book.quoted_span(hit, start, end, quote)}")
                        cited.append(hit)
            if lines:
                kinds = "、".join(plan.filters.kinds)
                owner = _owner_meta(report.meta.region, report.meta.year)
                blocks.append(f"{owner}“{kinds}”部分：\n" + "\n".join(lines))
        if not blocks:
            return _abstain(plan, _not_found(plan))
        return _answer(plan, "\n\n".join(blocks), book, cited)

    # -- which reports match a filter ---------------------------------------------------------
    def _filter(self, plan: QueryPlan) -> Answer:
        book = CitationBook()
        lines: list[str] = []
        for source in self.retriever.sources_matching(plan.filters):
            report = self.retriever.index.report(source)
            if report is None:
                continue
            year = report.meta.year
            spans = sentence_spans(report.text, 0, min(len(report.text), 600))
            start, end = next(((s, e) for s, e in spans if year and f"{year}年" in report.text[s:e]), spans[0])
            hit = self.retriever.hit_at(source, start)
            if hit is None:
                continue
            quote = report.text[start:end]
            cited = book.quoted_span(hit, start, end, quote)
            lines.append(f"- **{report.meta.region or source}**：《{report.meta.title}》。{cited}")
        if not lines:
            return _abstain(plan, "报告库中没有符合条件的报告。")
        return _answer(plan, "符合条件的报告：\n" + "\n".join(lines), book, book.hits)


def _points(sections: Sequence[Section], top: Section, text: str) -> list[tuple[int, int]]:
    """The first sentence of each point of a section: its sub-sections, else its items, else its sentences."""
    children = [s for s in sections if s.parent_id == top.section_id]
    if children:
        return [sentence_spans(text, c.start, c.end)[0] for c in children]
    spans = sentence_spans(text, top.start, top.end)
    return spans[1:] if len(spans) > 1 else spans  # the first sentence is the heading


# Fragments that only restate the section kind asked for, or the genre itself.
_KIND_WORDS = re.compile(r"(法治政府建设|推进|存在|主要|问题|不足|短板|差距|安排|计划|思路|打算|下一步|明年|今后|"
                         r"有什么|工作|履职|第一责任人|职责|履行|党政|负责人|主要负责人)+")


def _cite_round_robin(chosen: dict[str, list[Sentence]]) -> CitationBook:
    """Number every report's best sentence before any report's second, so passages rank the same way."""
    book = CitationBook()
    for rank in range(max((len(s) for s in chosen.values()), default=0)):
        for sentences in chosen.values():
            if rank < len(sentences):
                book.cite_sentence(sentences[rank])
    return book


def _heads(plan: QueryPlan, fragments: list[str]) -> list[str]:
    """What a sentence must contain to count for a list: the quoted phrases, else the question's object.

    Chinese list questions end with their object (哪些县设立了<行政争议调解中心>), so the last
    non-numeric fragment is the head; figures in the question are checked separately.
    """
    if plan.quoted:
        return normalized_fragments(list(plan.quoted))
    words = [f for f in fragments if not re.fullmatch(r"[\d.%]+", f)]
    return words[-1:]


def _owner(hit: Hit) -> str:
    return _owner_meta(hit.meta.region, hit.meta.year)


def _owner_meta(region: str | None, year: int | None) -> str:
    return f"**{region or '?'}**（{year or '?'}年报告）"


def _line(hit: Hit, body: str) -> str:
    return f"{_owner(hit)}：{body}"


def _not_found(plan: QueryPlan) -> str:
    return f"报告库中没有找到与“{plan.topic or plan.question}”相关的内容。"


def _abstain(plan: QueryPlan, message: str) -> Answer:
    return Answer(question=plan.question, answer=message, answerable=False, intent=plan.intent,
                  resolved_question=plan.resolved)


def _answer(plan: QueryPlan, text: str, book: CitationBook, retrieved: Sequence[Hit]) -> Answer:
    return Answer(question=plan.question, answer=text, answerable=True, citations=tuple(book.citations),
                  passages=tuple(passages_in_rank_order(book.hits, retrieved)), intent=plan.intent,
                  resolved_question=plan.resolved)

