"""Numeric and factoid questions: the clause that states each asked thing, one per part of the question."""

from __future__ import annotations

import re

from answer.builders import section
from answer.builders.common import (
    AnswerContext,
    Span,
    abstain,
    answered,
    evidence_span,
    not_found,
    owner,
    quote,
    span_text,
)
from answer.evidence import CitationBook
from answer.types import Answer
from corpus.patterns import has_figure
from retriever.analysis import QueryPlan
from retriever.cues import COUNTERS
from retriever.intent import Intent

DISTINCT_TRIES = 4
TIE_GAP = 0.4  # a second clause this close in ranking logit is quoted too (two figures for the same thing)


def build(context: AnswerContext, plan: QueryPlan) -> Answer:
    """One line per answered part: the report and the quoted span with its marker."""
    spans = facts(context, plan)
    if not spans:
        return abstain(context, plan, not_found(plan))
    units = context.retriever.units
    headings = [span for span in spans if len(span.unit_ids) == 1 and units.heading[span.unit_ids[0]]]
    if len(headings) == len(spans):
        # Only a heading states it (（三）转变政府职能,全面优化法治化营商环境): its passage's points answer.
        answer = section.points_under_heading(context, plan, context.score(plan))
        if answer is not None:
            return answer
    spans = [span for span in spans if span not in headings]  # a heading alone is never a quote
    if not spans:
        return abstain(context, plan, not_found(plan))
    book = CitationBook()
    lines = [f"{owner(context, span.source)}：{quote(context, book, span)}" for span in spans]
    return answered(context, plan, "\n".join(lines), book)


def facts(context: AnswerContext, plan: QueryPlan, threshold_name: str = "answer",
          units: tuple[str, ...] = ()) -> list[Span]:
    """The best span of each part of the question that clears the threshold, without repeats.

    A part whose best clause another part already quotes takes its next best that clears the bar (…一审
    行政诉讼有多少件？调撤率多少: two clauses, not one quoted twice). A question asking how many needs a
    span that states a figure, in one of the units given when there are any (件: 3749件, 300余件; 次: 972人次).
    The question's own unit is not required (多少人 is often answered in 名), except a rate's %. A clause
    ranked nearly as high as the best is quoted too.
    """
    threshold = context.threshold(threshold_name)
    if not units and "%" in plan.counters:
        units = ("%",)  # a rate is stated as a percentage, whatever else a clause counts
    quantity = quantity_pattern(units) if units else None
    parts = range(len(plan.parts)) if len(plan.parts) > 1 else [None]
    # Each part's clauses that could answer it, best first, as (ranking logit, span or None when it cannot).
    options: list[list[tuple[float, Span | None]]] = []
    for part in parts:
        needs_figure = plan.for_part(part).wants_figure and plan.intent in (Intent.NUMERIC, Intent.COMPARE)
        scored = context.score(plan, part=part)
        logits = context.scorer.model.rank.logit(scored.features) if len(scored) else scored.probability
        found: list[tuple[float, Span | None]] = []
        for position in range(min(len(scored), DISTINCT_TRIES)):
            span = None
            if scored.support[position] >= threshold:  # below: e.g. about another year than the one asked
                span = evidence_span(context, scored, position, plan)
                text = span_text(context, span)
                if needs_figure and not (quantity.search(text) if quantity else has_figure(text)):
                    span = None
            found.append((float(logits[position]), span))
        options.append(found)
    # The part with the fewest answering clauses picks first, so one whose only clause another part ranks
    # first still gets it (具体是哪几个？明年还打算新建几个: the plan for next year answers only the second).
    picked: dict[int, list[Span]] = {}
    taken: list[Span] = []
    for index in sorted(range(len(options)), key=lambda i: sum(span is not None for _, span in options[i])):
        lead = None  # the ranking logit of the part's first quoted clause
        picked[index] = []
        for logit, span in options[index]:
            if lead is not None and lead - logit > TIE_GAP:
                break
            if span is None or any(_overlaps(span, other) for other in taken):
                continue
            picked[index].append(span)
            taken.append(span)
            lead = logit if lead is None else lead
    return [span for index in range(len(options)) for span in picked[index]]


def quantity_pattern(units: tuple[str, ...]) -> re.Pattern[str]:
    """A figure stated in one of the units or a compound ending in one (次: 人次, 场次), 余/多 allowed between
    (300余起, 1.2万余人); group 1 is the unit."""
    compounds = (unit for unit in COUNTERS if unit not in units and unit.endswith(units))
    alternatives = sorted({*units, *compounds}, key=len, reverse=True)
    return re.compile(rf"\d(?:万|亿)?(?:余|多)?({'|'.join(map(re.escape, alternatives))})")


def _overlaps(a: Span, b: Span) -> bool:
    return a.source == b.source and a.start < b.end and b.start < a.end
