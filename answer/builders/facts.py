"""Numeric and factoid questions: the clause that states each asked thing, one per part of the question."""

from __future__ import annotations

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
from answer.features import counter_pattern
from answer.types import Answer
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
    book = CitationBook()
    lines = [f"{owner(context, span.source)}：{quote(context, book, span)}" for span in spans]
    return answered(context, plan, "\n".join(lines), book)


def facts(context: AnswerContext, plan: QueryPlan, threshold_name: str = "answer") -> list[Span]:
    """The best span of each part of the question that clears the threshold, without repeats.

    A part whose best clause another part already quotes takes its next best that clears the bar (…一审
    行政诉讼有多少件？调撤率多少: two clauses, not one quoted twice). A question asking how many needs a
    span that states a quantity: a figure with the unit asked for (多少次 -> 972人次) or, none asked, any unit.
    A clause ranked nearly as high as the best is quoted too.
    """
    threshold = context.threshold(threshold_name)
    needs_figure = plan.wants_figure and plan.intent in (Intent.NUMERIC, Intent.COMPARE)
    quantity = counter_pattern(_units(plan.counters))  # a count, amount or rate, not 1+3+N
    parts = range(len(plan.parts)) if len(plan.parts) > 1 else [None]
    chosen: list[Span] = []
    for part in parts:
        scored = context.score(plan, part=part)
        logits = context.scorer.model.rank.logit(scored.features) if len(scored) else scored.probability
        taken = 0
        for position in range(min(len(scored), DISTINCT_TRIES)):
            if scored.support[position] < threshold or (taken and logits[0] - logits[position] > TIE_GAP):
                break
            span = evidence_span(context, scored, position, plan)
            if needs_figure and not quantity.search(span_text(context, span)):
                continue
            if any(_overlaps(span, other) for other in chosen):
                continue
            chosen.append(span)
            taken += 1
    return chosen


def _units(asked: tuple[str, ...]) -> tuple[str, ...]:
    """The units a figure may be stated in: those asked and the compounds ending in one (次: 人次, 场次), or any."""
    if not asked:
        return (*COUNTERS, "%")
    return (*asked, *(unit for unit in COUNTERS if unit not in asked and unit.endswith(asked)))


def _overlaps(a: Span, b: Span) -> bool:
    return a.source == b.source and a.start < b.end and b.start < a.end
