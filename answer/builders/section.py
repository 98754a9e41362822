"""Section questions: the points of the part of a report asked for (存在问题, 工作安排…), or how something was done."""

from __future__ import annotations

from collections.abc import Sequence

from answer.builders.common import (
    LEAD_IN_CHARS,
    AnswerContext,
    Span,
    abstain,
    answered,
    evidence_span,
    not_found,
    owner,
    quote,
    topic_share,
)
from answer.evidence import CitationBook
from answer.scoring import ScoredUnits
from answer.types import Answer
from corpus.chunk import sentence_spans
from corpus.patterns import has_figure
from corpus.types import Section
from index.units import UnitIndex, bigrams
from retriever.analysis import QueryPlan

GENERIC_SHARE = 0.03  # a fragment whose every bigram is in this share of units says nothing specific
OPENER_WINDOW, OPENER_GAP = 6, 1.0
ANNOUNCEMENT_CHARS = 40
HEADING_PROBABILITY = 0.5  # the ranking model's own decision boundary
HEADING_TOPIC_SHARE = 0.5  # of the topic's weight, for a heading to name the passage asked about
# A heading supports less than a statement: it needs half the fitted answer threshold. Measured on the samples:
# headings naming the topic 0.45-0.85, the same heading asked of another year 0.00.
HEADING_SUPPORT = 0.5
ANNOUNCEMENTS = 2  # short sentences a point may open with before what was done


def build(context: AnswerContext, plan: QueryPlan) -> Answer:
    """The points of the asked kind of section of each report, or the passage on the asked topic."""
    units = context.retriever.units
    focus = [f for f in plan.fragments if not _generic(f, units)]
    if plan.filters.kinds and not focus:
        return _points_of_kind(context, plan)
    scored = context.score(plan)
    # A heading that names the topic (（三）转变政府职能,全面优化法治化营商环境 for 优化营商环境) heads the
    # passage asked about: its points answer, though a heading alone supports nothing.
    answer = points_under_heading(context, plan, scored)
    if answer is not None:
        return answer
    supported = [p for p in range(min(len(scored), OPENER_WINDOW)) if scored.support[p] >= context.threshold("answer")]
    if not supported or (plan.filters.kinds and _introduces(units, int(scored.ids[supported[0]]))):
        # A topic inside the part asked for that no clause states, or only the part's own introduction
        # (…存在的不足和原因): the part's points answer it.
        return _points_of_kind(context, plan) if plan.filters.kinds else abstain(context, plan, not_found(plan))
    # How something was done is told where its passage opens (一是…深耕打磨“南安联调”创新品牌。), so
    # an opening clause ranked near the best is preferred to a mention further on.
    best_logit = context.scorer.model.rank.logit(scored.features[supported[:1]])[0]
    logits = context.scorer.model.rank.logit(scored.features[supported])
    openers = [p for p, logit in zip(supported, logits, strict=True)
               if best_logit - logit <= OPENER_GAP and _opens(units, int(scored.ids[p]))]
    chosen = openers[0] if openers else supported[0]
    # Without an opener near the best, a best clause a few clauses into a passage (三是三级联动解决“两难”问题。
    # 探索建立…钉钉群… 2020年…交办146件) is told from the passage's opening, which runs through it.
    opening = None if openers else _opening(units, int(scored.ids[chosen]), context.options.section_points)
    if opening is None:
        first = evidence_span(context, scored, chosen, plan)
    else:
        first = Span((opening,), units.sources[units.source_id[opening]], int(units.start[opening]),
                     int(units.end[opening]), float(scored.probability[chosen]))
    spans = [first, *_following(units, first, context.options.section_points)]
    book = CitationBook()
    lines = [f"- {quote(context, book, span)}" for span in spans]
    return answered(context, plan, f"{owner(context, first.source)}：\n" + "\n".join(lines), book)


def _generic(fragment: str, units: UnitIndex) -> bool:
    grams = bigrams(fragment)
    return bool(grams) and all(units.unit_bigrams.df(g) >= GENERIC_SHARE * len(units) for g in grams)


def _opens(units: UnitIndex, unit: int) -> bool:
    """The unit begins its section's text (first clause, or the one after the heading)."""
    before = int(units.previous[unit])
    return before < 0 or bool(units.heading[before])


def _introduces(units: UnitIndex, unit: int) -> bool:
    """The unit is a heading or the opening of a top-level part (…但仍存在一些不足。)."""
    top_level = units.section_paths[units.section[unit]].count("›") == 0
    return bool(units.heading[unit]) or (_opens(units, unit) and top_level)


def _opening(units: UnitIndex, unit: int, limit: int) -> int | None:
    """The clause that opens the unit's passage (its section's first, or the first after an item heading) when
    the unit lies 1 to limit - 1 clauses into it; else None."""
    steps, opening = 0, unit
    while not _opens(units, opening):
        opening = int(units.previous[opening])
        steps += 1
        if steps >= limit:
            return None
    return opening if steps else None


def _following(units: UnitIndex, span: Span, limit: int) -> list[Span]:
    """The clauses after the span in its section: the section's points when it opens the section, else one."""
    last = span.unit_ids[-1]
    opens = units.previous[span.unit_ids[0]] < 0 or units.heading[units.previous[span.unit_ids[0]]]
    take = limit if opens else 1
    out: list[Span] = []
    unit = last + 1
    while unit < len(units) and units.previous[unit] == unit - 1 and len(out) < min(take, limit - 1):
        out.append(Span((unit,), span.source, int(units.start[unit]), int(units.end[unit]), span.probability))
        unit += 1
    return out


def points_under_heading(context: AnswerContext, plan: QueryPlan, scored: ScoredUnits) -> Answer | None:
    """The points of the passage whose heading ranks first and names the topic, if there is one."""
    headed = _headed_section(context, scored)
    return None if headed is None else _points_of_sections(context, plan, [headed], f"“{headed[1].heading}”部分")


def _headed_section(context: AnswerContext, scored: ScoredUnits) -> tuple[str, Section] | None:
    """The section whose heading ranks first and holds HEADING_TOPIC_SHARE of the topic, if it has points."""
    units = context.retriever.units
    if (not len(scored) or not units.heading[int(scored.ids[0])] or scored.probability[0] < HEADING_PROBABILITY
            or scored.support[0] < HEADING_SUPPORT * context.threshold("answer")):
        return None  # support falls to 0 for another year than the report's (柯城区2019年… of its 2020 report)
    unit = int(scored.ids[0])
    if topic_share(scored, units.texts[unit]) < HEADING_TOPIC_SHARE:
        return None
    source = units.sources[units.source_id[unit]]
    report = context.retriever.report(source)
    if report is None:
        return None
    opened = [s for s in report.sections if s.start == int(units.start[unit])]
    if not opened:
        return None
    section = max(opened, key=lambda s: len(s.labels))
    points = _points(report.sections, section, report.text)
    # A passage with no point of its own past the heading has nothing to list.
    return (source, section) if points and all(start != section.start for start, _ in points) else None


def _points_of_kind(context: AnswerContext, plan: QueryPlan) -> Answer:
    found: list[tuple[str, Section]] = []
    for source in context.retriever.sources_matching(plan.filters):
        report = context.retriever.report(source)
        if report is not None:
            found += [(source, s) for s in report.sections if s.kind in plan.filters.kinds and s.parent_id == 0]
    kinds = "、".join(plan.filters.kinds)
    answer = _points_of_sections(context, plan, found, f"“{kinds}”部分")
    return answer if answer is not None else abstain(context, plan, not_found(plan))


def _points_of_sections(context: AnswerContext, plan: QueryPlan, sections: Sequence[tuple[str, Section]],
                        label: str = "") -> Answer | None:
    """Each report's block: the numbered points of its sections, in report order."""
    book = CitationBook()
    blocks: list[str] = []
    by_source: dict[str, list[Section]] = {}
    for source, section in sections:
        by_source.setdefault(source, []).append(section)
    for source, tops in by_source.items():
        report = context.retriever.report(source)
        if report is None:
            continue
        lines: list[str] = []
        for top in tops:
            for start, end in _points(report.sections, top, report.text)[:context.options.section_points]:
                lines.append(f"{len(lines) + 1}. {quote(context, book, Span((), source, start, end, 1.0))}")
        if lines:
            blocks.append(f"{owner(context, source)}{label}：\n" + "\n".join(lines))
    return answered(context, plan, "\n\n".join(blocks), book) if blocks else None


def _points(sections: Sequence[Section], top: Section, text: str) -> list[tuple[int, int]]:
    """The first sentence of each point of a section: its sub-sections, else its items, else its sentences."""
    children = [s for s in sections if s.parent_id == top.section_id]
    if children:
        return [_first_sentence(text, c) for c in children]
    spans = sentence_spans(text, top.start, top.end)
    return spans[1:] if len(spans) > 1 else spans  # the first sentence is the heading


def _first_sentence(text: str, section: Section) -> tuple[int, int]:
    """A point's first sentence, with the next one when the first only announces it (二是做实行政争议化解。,
    一是聚焦法治伊春建设,推进全面依法治市。)."""
    spans = sentence_spans(text, section.start, section.end)
    start, end = spans[0]
    following = 1
    while following <= ANNOUNCEMENTS and following < len(spans) and _announces(
            text[spans[following - 1][0]:spans[following - 1][1]], first=following == 1):
        end = spans[following][1]  # 一是构建预防性产业合规。聚焦重点产业合规新探索。印发《诸暨市袜业…》…
        following += 1
    return start, end


def _announces(sentence: str, first: bool) -> bool:
    """A point's opening sentence up to ANNOUNCEMENT_CHARS announces what follows (二是做实行政争议化解。); a
    second one does when it is a lead-in too, under LEAD_IN_CHARS (聚焦重点产业合规新探索。)."""
    short = len(sentence) <= ANNOUNCEMENT_CHARS if first else len(sentence) < LEAD_IN_CHARS
    return short and not has_figure(sentence)
