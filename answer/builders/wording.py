"""Precedent wording for drafters: each report's strongest verbatim clauses on the topic, grouped by report."""

from __future__ import annotations

from answer.builders.common import (
    AnswerContext,
    abstain,
    answered,
    best_per_report,
    evidence_span,
    folded_line,
    marker,
    not_found,
    owner,
    quote,
)
from answer.evidence import CitationBook
from answer.types import Answer
from retriever.analysis import QueryPlan


def build(context: AnswerContext, plan: QueryPlan) -> Answer:
    """Blocks of quoted clauses per report (headings never count as wording); many reports fold."""
    scored = context.score(plan)
    units = context.retriever.units
    threshold = context.threshold("wording")
    per_report = best_per_report(scored, units, context.options.wording_per_report)
    chosen = sorted(((positions, source) for source, positions in per_report.items()
                     if scored.support[positions[0]] >= threshold), key=lambda item: item[0][0])
    if not chosen:
        return abstain(context, plan, not_found(plan))
    book = CitationBook()
    blocks: list[str] = []
    folded: list[str] = []
    report_spans = [[evidence_span(context, scored, p, plan) for p in positions if scored.support[p] >= threshold]
                    for positions, _ in chosen]
    context.prefetch(span for spans in report_spans for span in spans)
    for rank, ((_, source), spans) in enumerate(zip(chosen, report_spans, strict=True)):
        name = owner(context, units.sources[source])
        if rank < context.options.list_shown:
            blocks.append(f"{name}\n" + "\n".join(f"> {quote(context, book, span)}" for span in spans))
        else:
            folded.append(name + marker(context, book, spans[0]))
    text = "可借鉴的原文表述：\n\n" + "\n\n".join(blocks)
    if folded:
        text += "\n\n" + folded_line(folded)
    return answered(context, plan, text, book)
