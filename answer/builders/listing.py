"""List questions: every report whose text states it, each with its strongest clause; many reports fold."""

from __future__ import annotations

import numpy as np

from answer.builders.common import (
    AnswerContext,
    Span,
    abstain,
    answered,
    best_per_report,
    evidence_span,
    folded_line,
    is_lead_in,
    marker,
    not_found,
    owner,
    quote,
    span_text,
)
from answer.evidence import CitationBook
from answer.features import states_figure
from answer.scoring import ScoredUnits
from answer.types import Answer
from corpus.patterns import NUMBER
from retriever.analysis import QueryPlan

SAME_WORDING = 0.8  # share of character bigrams two clauses have in common to be one wording
SAME_WORDING_CHARS = 20  # shorter clauses (出庭率100%) are alike by nature, not by copying
SUPPORT_TRIES = 3  # a report's first clauses that may carry its line (2 to 5 measure the same)
# A shown report's further clauses (另见[n]): those the ranking model judges evidence (P >= 0.5, its own decision
# boundary), at most two. Measured: citation recall blind_a 0.878 -> 0.915, blind_b 0.799 -> 0.834, fact unchanged.
ALSO_PROBABILITY = 0.5
ALSO_PER_REPORT = 2


def build(context: AnswerContext, plan: QueryPlan) -> Answer:
    """A count, one line per report (best first), the rest folded into one line of names and markers."""
    scored = context.score(plan)
    units = context.retriever.units
    threshold = context.threshold("list")
    # A report's line is its best-ranked clause that the support model accepts among its first few: the best
    # may say less than the next (专职人民调解员 before 行政争议调解中心). blind_a fact 0.952 -> 0.964.
    # A report counts when its support passes the fitted threshold. A rule that also dropped reports under
    # 0.4 of the best report's support kept the card question to its three places, but cost fact accuracy
    # on every other set (blind_a 0.952 -> 0.905, blind_b 0.885 -> 0.862): a value chosen for one question.
    ranked = sorted((accepted[0], source)
                    for source, positions in best_per_report(scored, units, limit=SUPPORT_TRIES).items()
                    if (accepted := [p for p in positions if scored.support[p] >= threshold]))
    if not ranked:
        return abstain(context, plan, not_found(plan))
    spans = [(evidence_span(context, scored, position, plan), source) for position, source in ranked]
    context.prefetch(span for span, _ in spans)
    if plan.wants_figure:  # 各地…分别是多少: a report counts only where it states the figure asked about
        spans = [(span, source) for span, source in spans
                 if states_figure(span_text(context, span), plan, scored.topic)]
    if not spans:
        return abstain(context, plan, not_found(plan))
    # Reports whose clause says the same thing in the same words (figures aside) share one line: a corpus of
    # look-alike reports lists its distinct wordings, not one wording twelve times.
    # Asked for each report's figure, every figure is shown: no grouping.
    groups = ([[index] for index in range(len(spans))] if plan.wants_figure
              else same_wording([span_text(context, span) for span, _ in spans], context.options.list_shown))
    book = CitationBook()
    shown = groups[:context.options.list_shown]
    lines = [f"- {owner(context, units.sources[spans[group[0]][1]])}：{quote(context, book, spans[group[0]][0])}"
             for group in shown]
    alike = ["、".join(owner(context, units.sources[spans[member][1]]) + marker(context, book, spans[member][0])
                      for member in group[1:]) for group in shown]
    folded = [owner(context, units.sources[spans[member][1]]) + marker(context, book, spans[member][0])
              for group in groups[context.options.list_shown:] for member in group]
    # Further clauses of a shown report are numbered after every report's own line and those alike, so the
    # passages list (cited first) still opens with one passage per report.
    for line, group in enumerate(shown):
        span, source = spans[group[0]]
        more = "".join(marker(context, book, extra) for extra in _also(context, scored, plan, source, span))
        lines[line] += (f"（另见{more}）" if more else "") + (f"；{len(group) - 1}份报告表述相近：{alike[line]}"
                                                            if len(group) > 1 else "")
    intro = f"共有{len(spans)}份报告涉及：" if len(spans) > 1 else "有1份报告涉及："
    text = intro + "\n" + "\n".join(lines) + (f"\n- {folded_line(folded)}" if folded else "")
    return answered(context, plan, text, book)


def same_wording(texts: list[str], open_groups: int) -> list[list[int]]:
    """Indexes of the texts grouped by wording, in order of each group's first text: a text joins the first
    group whose first text shares SAME_WORDING of their character bigrams (digits read as one sign, so jittered
    figures do not part them). Texts under SAME_WORDING_CHARS stand alone. Once open_groups groups exist, later
    texts only join those (the rest are folded anyway), which bounds the work at texts x open_groups."""
    groups: list[list[int]] = []
    keys: list[frozenset[str]] = []
    for index, text in enumerate(texts):
        masked = NUMBER.sub("#", text)
        grams = frozenset(masked[i:i + 2] for i in range(len(masked) - 1)) if len(masked) >= SAME_WORDING_CHARS \
            else frozenset()
        home = next((g for g, key in enumerate(keys[:open_groups]) if grams and key
                     and len(grams & key) >= SAME_WORDING * len(grams | key)), None)
        if home is None:
            groups.append([index])
            keys.append(grams)
        else:
            groups[home].append(index)
    return groups


def _also(context: AnswerContext, scored: ScoredUnits, plan: QueryPlan, source: int, shown: Span) -> list[Span]:
    """Other clauses of the report that the ranking model judges evidence too (P >= ALSO_PROBABILITY, its own
    decision boundary), best first, at most ALSO_PER_REPORT: cited by marker, so the line stays one sentence."""
    units = context.retriever.units
    out: list[Span] = []
    for position in np.flatnonzero((units.source_id[scored.ids] == source) & (scored.probability >= ALSO_PROBABILITY)):
        unit = int(scored.ids[position])
        if len(out) >= ALSO_PER_REPORT:
            break
        if units.heading[unit]:
            continue
        extended = evidence_span(context, scored, int(position), plan)
        bare = Span((unit,), extended.source, int(units.start[unit]), int(units.end[unit]), extended.probability)
        lead_in = is_lead_in(units, unit)  # 推动行政争议调解。 alone
        tries = (extended,) if lead_in else (extended, bare)
        span = next((s for s in tries if all(s.end <= t.start or t.end <= s.start for t in (shown, *out))), None)
        if span is not None:
            out.append(span)
    return out
