"""Numeric and factoid questions: the clause that states each asked thing, one per part of the question."""

from __future__ import annotations

from answer.builders.common import AnswerContext, Span, abstain, answered, evidence_span, not_found, owner, quote
from answer.evidence import CitationBook
from answer.types import Answer
from retriever.analysis import QueryPlan


DISTINCT_TRIES = 3


def build(context: AnswerContext, plan: QueryPlan) -> Answer:
    """One line per answered part: the report and the quoted span with its marker."""
    spans = facts(context, plan)
    if not spans:
        return abstain(context, plan, not_found(plan))
    book = CitationBook()
    lines = [f"{owner(context, span.source)}：{quote(context, book, span)}" for span in spans]
    return answered(context, plan, "\n".join(lines), book)


def facts(context: AnswerContext, plan: QueryPlan) -> list[Span]:
    """The best span of each part of the question that clears the answer threshold, without repeats."""
    threshold = context.threshold("answer")
    parts = range(len(plan.parts)) if len(plan.parts) > 1 else [None]
    chosen: list[Span] = []
    for part in parts:
        scored = context.score(plan, part=part)
        # A part whose best clause another part already quotes takes its next best that clears the bar
        # (…一审行政诉讼有多少件？调撤率多少: two clauses, not one quoted twice).
        for position in range(min(len(scored), DISTINCT_TRIES)):
            if scored.support[position] < threshold:
                break
            span = evidence_span(context, scored, position, plan)
            if not any(_overlaps(span, other) for other in chosen):
                chosen.append(span)
                break
            if position == 0 and len(parts) == 1:
                break
    return chosen


def _overlaps(a: Span, b: Span) -> bool:
    return a.source == b.source and a.start < b.end and b.start < a.end
