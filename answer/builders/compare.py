"""Comparisons of named places: the same asked thing for each place, one line each."""

from __future__ import annotations

from dataclasses import replace

from answer.builders.common import AnswerContext, abstain, answered, not_found, owner, quote
from answer.builders.facts import facts
from answer.evidence import CitationBook
from answer.types import Answer
from retriever.analysis import QueryPlan


def build(context: AnswerContext, plan: QueryPlan) -> Answer:
    """For each named region, the spans answering each part of the question, or a note that none does."""
    book = CitationBook()
    lines: list[str] = []
    for region in plan.filters.regions:
        regional = replace(plan, filters=replace(plan.filters, regions=(region,)))
        spans = facts(context, regional, "list")
        if spans:
            lines.append(f"- {owner(context, spans[0].source)}：" + "".join(quote(context, book, s) for s in spans))
        else:
            lines.append(f"- **{region}**：报告中未见相关内容。")
    if not book.citations:
        return abstain(context, plan, not_found(plan))
    return answered(context, plan, "\n".join(lines), book)
