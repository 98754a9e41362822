"""What every answer builder shares: the context it works in, evidence spans, and how answers are framed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from answer.evidence import CitationBook, passages_in_rank_order
from answer.features import figure_near
from answer.scoring import ClauseScorer, ScoredUnits
from answer.types import Answer
from index.units import UnitIndex
from retriever.analysis import Filters, QueryPlan
from retriever.types import ChunkScores, Hit, Retriever

LEAD_IN_CHARS = 20  # a clause this short without a figure only announces what follows (建强调解组织。)


@dataclass(frozen=True, slots=True)
class ExtractiveOptions:
    """Presentation limits and threshold offsets of the extractive answerer (thresholds are in scorer.json)."""

    threshold_offset: float = 0.0  # added to every fitted threshold (negative: answer more readily)
    section_points: int = 8
    wording_per_report: int = 3
    list_shown: int = 12  # report lines shown in full in a list; the rest are folded into one line
    passages: int = 8
    extend_gain: float = 0.15  # a neighbouring clause joins the quote when it adds this share of the topic


@dataclass(slots=True)
class AnswerContext:
    """The retriever, the clause scorer and per-question caches a builder works with."""

    retriever: Retriever
    scorer: ClauseScorer
    options: ExtractiveOptions
    _chunks: dict[tuple[str, Filters], ChunkScores] = field(default_factory=dict)
    _hits: dict[tuple[str, int], Hit | None] = field(default_factory=dict)

    def chunks(self, plan: QueryPlan, filters: Filters | None = None) -> ChunkScores:
        """Dense and BM25 scores of the chunks the question may draw on (computed once per filter)."""
        key = (search_query(plan), filters or plan.filters)
        if key not in self._chunks:
            self._chunks[key] = self.retriever.chunk_scores(key[0], key[1])
        return self._chunks[key]

    def score(self, plan: QueryPlan, filters: Filters | None = None, part: int | None = None) -> ScoredUnits:
        """Candidate units for the question (or a part of it), best first; when the filters narrow the reports,
        support is judged against the best the whole corpus says on the question."""
        filters = filters or plan.filters
        corpus_best = None
        if filters.regions or filters.years or filters.issuing_bodies:
            everywhere = Filters(kinds=filters.kinds)
            corpus_best = self.scorer.best_logit(plan, self.chunks(plan, everywhere), everywhere, part)
        return self.scorer.score(plan, self.chunks(plan, filters), filters, part, corpus_best)

    def hit_at(self, source: str, offset: int) -> Hit | None:
        """The chunk holding a report offset (read once per answer; see prefetch)."""
        if (source, offset) not in self._hits:
            self._hits[(source, offset)] = self.retriever.hit_at(source, offset)
        return self._hits[(source, offset)]

    def prefetch(self, spans: Iterable[Span]) -> None:
        """Read the chunks of many spans about to be quoted in one query (a list over hundreds of reports)."""
        places = [(span.source, span.start) for span in spans if (span.source, span.start) not in self._hits]
        self._hits.update(zip(places, self.retriever.hits_at(places), strict=True))

    def threshold(self, name: str) -> float:
        """A fitted decision threshold, with the configured offset."""
        return self.scorer.model.threshold(name) + self.options.threshold_offset

    def retrieved(self, plan: QueryPlan, k: int | None = None) -> list[Hit]:
        """The fused top passages for the question (what the sources panel lists after the cited ones)."""
        return self.retriever.retrieve(search_query(plan), plan.filters, k or self.options.passages)


def search_query(plan: QueryPlan) -> str:
    """What is searched for (QueryPlan.content): places, years and topic, not the words shaping the question."""
    return plan.content


@dataclass(frozen=True, slots=True)
class Span:
    """A quoted stretch of one report: one unit, or a unit with the clause that completes it."""

    unit_ids: tuple[int, ...]
    source: str
    start: int
    end: int
    probability: float

    def key(self) -> tuple[str, int]:
        """Identity across parts of an answer."""
        return (self.source, self.start)


def evidence_span(context: AnswerContext, scored: ScoredUnits, position: int, plan: QueryPlan) -> Span:
    """The span to quote for a chosen unit: never a heading alone, and the next clause too when it
    states what was asked (the figure, the outcome, or a good share of the topic the unit lacks)."""
    units = context.retriever.units
    unit = int(scored.ids[position])
    chosen = [unit]
    following = unit + 1 if unit + 1 < len(units) and units.previous[unit + 1] == unit else None
    if following is not None:
        text, after = units.texts[unit], units.texts[following]
        lead_in = units.heading[unit] or is_lead_in(units, unit)
        asks_figure = plan.wants_figure or plan.wants_outcome
        figure_follows = asks_figure and figure_near(after, scored.topic) and not figure_near(text, scored.topic)
        if lead_in or figure_follows or _topic_gain(scored, units, unit, following) >= context.options.extend_gain:
            chosen.append(following)
    before = int(units.previous[unit])
    # The topic may be named in the clause before (…一审行政诉讼案件229件…;调解撤诉65件,调撤率33.51%).
    # And a short clause before that announces the measure the unit reports on (积极推行“一证即办”公证服务模式。
    # 推动4项公证“一证即办”2日办结…) is its claim.
    gain = context.options.extend_gain
    if (before >= 0 and not units.heading[before] and not units.metadata[before]
            and (_topic_gain(scored, units, unit, before) >= 2 * gain
                 or (is_lead_in(units, before) and topic_share(scored, units.texts[before]) >= gain))):
        chosen.insert(0, before)
    source = units.sources[units.source_id[unit]]
    return Span(tuple(chosen), source, int(units.start[chosen[0]]), int(units.end[chosen[-1]]),
                float(scored.probability[position]))


def is_lead_in(units: UnitIndex, unit: int) -> bool:
    """A clause too short to say more than what follows is about (建强调解组织。), with no figure."""
    return len(units.texts[unit]) < LEAD_IN_CHARS and not units.figure[unit]


def topic_share(scored: ScoredUnits, text: str) -> float:
    """Share of the topic's weight a text holds."""
    return sum(w for gram, w in scored.topic.bigrams.items() if gram in text) / (scored.topic.total or 1.0)


def _topic_gain(scored: ScoredUnits, units: UnitIndex, unit: int, following: int) -> float:
    """Share of the topic's weight the following unit holds that the unit itself does not."""
    topic = scored.topic
    total = topic.total or 1.0
    have, other = units.texts[unit], units.texts[following]
    # Topic bigrams are runs of term characters, so a substring test is a bigram-set test.
    return sum(w for gram, w in topic.bigrams.items() if gram in other and gram not in have) / total


def best_per_report(scored: ScoredUnits, units: UnitIndex, limit: int = 1,
                    skip_headings: bool = True) -> dict[int, list[int]]:
    """Positions (in scored order) of each report's best units."""
    out: dict[int, list[int]] = {}
    for position, unit in enumerate(scored.ids):
        if skip_headings and units.heading[unit]:
            continue
        source = int(units.source_id[unit])
        taken = out.setdefault(source, [])
        if len(taken) < limit:
            taken.append(position)
    return out


def quote(context: AnswerContext, book: CitationBook, span: Span) -> str:
    """The span as it appears in an answer, with its citation marker."""
    hit = context.hit_at(span.source, span.start)
    text = _cited_text(context, hit, span)
    return "" if hit is None or text is None else book.quoted_span(hit, span.start, span.end, text)


def _cited_text(context: AnswerContext, hit: Hit | None, span: Span) -> str | None:
    """The report text of a span: from its chunk when the chunk holds all of it (a chunk's text is the report's
    text between its offsets), else from the report."""
    if hit is not None and hit.chunk.start <= span.start and span.end <= hit.chunk.end:
        return hit.chunk.text[span.start - hit.chunk.start:span.end - hit.chunk.start]
    report = context.retriever.report(span.source)
    return report.text[span.start:span.end] if report else None


def span_text(context: AnswerContext, span: Span) -> str:
    """The report text a span covers."""
    return _cited_text(context, context.hit_at(span.source, span.start), span) or ""


def marker(context: AnswerContext, book: CitationBook, span: Span) -> str:
    """Only the citation marker of a span ([n]), for folded lines that name a report without quoting it."""
    hit = context.hit_at(span.source, span.start)
    text = _cited_text(context, hit, span)
    return "" if hit is None or text is None else f"[{book.cite(hit, span.start, span.end, text)}]"


def owner(context: AnswerContext, source: str) -> str:
    """How a report is named in an answer: its region and year, else its title, else its file name."""
    meta = context.retriever.metas.get(source)
    if meta is None:
        return f"**{source}**"
    name = meta.region or meta.title or source
    return f"**{name}**（{meta.year}年报告）" if meta.year else f"**{name}**"


def folded_line(names: Sequence[str]) -> str:
    """One line naming the reports not shown in full (each name carries its marker)."""
    return f"另有{len(names)}份报告也有相关表述：{'、'.join(names)}" if names else ""


def not_found(plan: QueryPlan) -> str:
    """The abstention message: what was looked for, and under which filters."""
    what = plan.topic or plan.question
    message = f"报告库中没有找到能回答这个问题的内容（检索：“{what}”）。"
    if not plan.filters.is_empty():
        message += f"（已按筛选条件：{plan.filters.describe()} 检索）"
    return message + "下面列出最相关的段落，供参考。"


def abstain(context: AnswerContext, plan: QueryPlan, message: str) -> Answer:
    """No answer: nothing cited, the closest passages still returned so the user can judge."""
    passages = passages_in_rank_order([], context.retrieved(plan), context.options.passages)
    return Answer(question=plan.question, answer=message, answerable=False, passages=tuple(passages),
                  intent=plan.intent, resolved_question=plan.resolved)


def answered(context: AnswerContext, plan: QueryPlan, text: str, book: CitationBook,
             warnings: Sequence[str] = ()) -> Answer:
    """An answer: its text, citations, and passages (the cited ones first, then the best retrieved)."""
    passages = passages_in_rank_order(book.hits, context.retrieved(plan), context.options.passages)
    return Answer(question=plan.question, answer=text, answerable=True, citations=tuple(book.citations),
                  passages=tuple(passages), intent=plan.intent, resolved_question=plan.resolved,
                  warnings=tuple(warnings))


def positions_above(scored: ScoredUnits, threshold: float) -> np.ndarray:
    """Positions of the scored units at or above a probability."""
    return np.flatnonzero(scored.probability >= threshold)
