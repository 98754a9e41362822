"""Comparisons of named places: the same asked thing for each place, one line each."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from answer.builders.common import AnswerContext, Span, abstain, answered, not_found, owner, quote, span_text
from answer.builders.facts import facts, quantity_pattern
from answer.evidence import CitationBook
from answer.types import Answer
from retriever.analysis import QueryPlan
from retriever.cues import COUNTERS

ANY_UNIT = (*COUNTERS, "%")
_QUANTITY = quantity_pattern(ANY_UNIT)


def build(context: AnswerContext, plan: QueryPlan) -> Answer:
    """For each named region, the spans answering each part of the question, or a note that none does.

    Figures set in order (谁多, 哪个多) must be in one unit: when the question names none, each place's figure
    is one with a unit, and a place whose best gives another unit is asked again in the unit the others
    state (3749件 against 3442件, not 编发3期).
    """
    by_unit = plan.wants_figure and plan.order is not None and not plan.counters
    # A place with no figure in any unit still gets its best clause (the question may not be about amounts).
    spans_by_region = {region: (by_unit and _facts_of(context, plan, region, ANY_UNIT)) or _facts_of(context, plan,
                                                                                                   region, ())
                       for region in plan.filters.regions}
    if by_unit:
        spans_by_region = _in_one_unit(context, plan, spans_by_region)
    book = CitationBook()
    lines: list[str] = []
    for region, spans in spans_by_region.items():
        if spans:
            lines.append(f"- {owner(context, spans[0].source)}：" + "".join(quote(context, book, s) for s in spans))
        else:
            lines.append(f"- **{region}**：报告中未见相关内容。")
    if not book.citations:
        return abstain(context, plan, not_found(plan))
    return answered(context, plan, "\n".join(lines), book)


def _in_one_unit(context: AnswerContext, plan: QueryPlan, spans_by_region: dict[str, list[Span]]
                 ) -> dict[str, list[Span]]:
    """The spans with every place's figure in one unit, trying the units the places state most; unchanged if
    no unit is stated by every place."""
    stated = {region: _units(context, spans) for region, spans in spans_by_region.items()}
    for unit, _ in Counter(u for units in stated.values() for u in units).most_common():
        found = {region: spans if unit in stated[region] else _facts_of(context, plan, region, (unit,))
                 for region, spans in spans_by_region.items()}
        if all(unit in _units(context, spans) for spans in found.values()):
            return found
    return spans_by_region


def _facts_of(context: AnswerContext, plan: QueryPlan, region: str, units: tuple[str, ...]) -> list[Span]:
    return facts(context, replace(plan, filters=replace(plan.filters, regions=(region,))), "list", units)


def _units(context: AnswerContext, spans: list[Span]) -> set[str]:
    return {m.group(1) for span in spans for m in _QUANTITY.finditer(span_text(context, span))}
