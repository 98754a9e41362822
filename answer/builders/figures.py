"""Questions across reports about one figure (各地…分别是多少, 哪个最高, 比较甲和乙的…): a table from the figure table.

The indicator asked about is the longest ending of a known indicator name the question contains
(retriever.figures.asked_indicator), and it must make up most of the question's topic; its rows are
those of the indicator group of that name, in the unit the question asks for. A comparison of named
places is answered from the table only when the table has the figure of every place named; otherwise
the prose builder, which reads each report's text, answers. The table has one row per report and
indicator, sorted by value when the question asks for an order, each row quoting its clause with a
citation marker; the places whose reports do not state the figure follow ("未见数据：…").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from answer.builders.common import AnswerContext, Span, answered, quote
from answer.evidence import CitationBook
from answer.types import Answer
from corpus.patterns import normalize_for_search
from index.figures import FigureRow
from retriever.analysis import QueryPlan
from retriever.figures import MIN_HEAD, asked_indicator, group_indicators
from retriever.intent import Intent
from retriever.types import Retriever

UNSEEN_SHOWN = 30  # places named in the 未见数据 line; the rest are counted
COVERAGE = 2 / 3  # share of the question's main topic the indicator found must make up


class FigureTable(NamedTuple):
    """The rows answering a question, and the name of the indicator they state."""

    indicator: str
    rows: list[FigureRow]


def asks_across_reports(plan: QueryPlan) -> bool:
    """A comparison, a list of figures or an order across reports; one report's figure is left to the facts builder."""
    if len(plan.filters.regions) == 1 or not (plan.wants_figure or plan.order):
        return False
    return plan.intent in (Intent.COMPARE, Intent.LIST) or plan.order is not None


def figure_table(retriever: Retriever, plan: QueryPlan) -> FigureTable | None:
    """The figure rows a cross-report question asks for, or None when the figure table cannot answer it."""
    store = retriever.figures
    if store is None or not asks_across_reports(plan):
        return None
    names = store.indicator_names()
    term = asked_indicator(plan.resolved, names)
    main_topic = max(plan.fragments, key=len, default="")
    if not term or len(term) < COVERAGE * len(main_topic):
        return None  # the known indicator is only part of what is asked (…规范性文件 for 清理废止规范性文件)
    candidates = store.rows(term[-MIN_HEAD:], year=None)
    groups = group_indicators([r.indicator for r in candidates])
    best = max(candidates, key=lambda r: _ending_shared(normalize_for_search(r.indicator), term), default=None)
    if best is None:
        return None
    rows = [r for r in candidates if groups[r.indicator] == groups[best.indicator]]
    if plan.counters:
        in_unit = [r for r in rows if any(r.unit.endswith(c) for c in plan.counters)]
        rows = in_unit or rows
    allowed = set(retriever.sources_matching(plan.filters))
    rows = _one_per_report_and_indicator([r for r in rows if r.source in allowed])
    if len(plan.filters.regions) >= 2:
        if any(not any(r.region == region for r in rows) for region in plan.filters.regions):
            return None  # a named place the table lacks: the prose builder searches its report's text
    elif len({r.source for r in rows}) < 2:
        return None
    if plan.order:
        rows.sort(key=lambda r: (-r.value if plan.order == "desc" else r.value, r.source))
    return FigureTable(term, rows)


def _ending_shared(name: str, term: str) -> int:
    size = 0
    while size < min(len(name), len(term)) and name[-1 - size] == term[-1 - size]:
        size += 1
    return size


def _one_per_report_and_indicator(rows: Sequence[FigureRow]) -> list[FigureRow]:
    seen: set[tuple[str, str]] = set()
    out: list[FigureRow] = []
    for row in rows:
        if (row.source, row.indicator) not in seen:
            seen.add((row.source, row.indicator))
            out.append(row)
    return out


def build(context: AnswerContext, plan: QueryPlan, table: FigureTable) -> Answer:
    """The markdown table answer, with a lead sentence for an order and the places without data."""
    book = CitationBook()
    lines = ["| 地区 | 年份 | 指标 | 数值 | 单位 | 限定 | 出处 |", "|---|---|---|---|---|---|---|"]
    for row in table.rows:
        cited = quote(context, book, Span((), row.source, row.start, row.end, 1.0))
        value = ("约" if row.approx else "") + row.value_text
        cells = [row.region or row.source, f"{row.year}年" if row.year else "", row.indicator, value, row.unit,
                 row.qualifier, cited]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lead = _lead(plan, table)
    unseen = _unseen(context, plan, table.rows)
    text = "\n".join([*([lead] if lead else []), *lines, *([unseen] if unseen else [])])
    return answered(context, plan, text, book)


def _lead(plan: QueryPlan, table: FigureTable) -> str:
    if not plan.order or not table.rows:  # the first row is cited first: its marker is [1]
        return f"{table.indicator}（{len({r.source for r in table.rows})}份报告载明）："
    top = table.rows[0]
    word, direction = ("最高", "从高到低") if plan.order == "desc" else ("最低", "从低到高")
    # Places tied at the top value are all named (南安 and 西湖 both at 100%), not just the first row's.
    tied = [r for r in table.rows if (r.value, r.unit) == (top.value, top.unit)]
    names = "、".join(f"**{r.region or r.source}**（{r.year}年报告）" for r in tied)
    together = "并列" if len(tied) > 1 else ""
    return (f"{table.indicator}{word}的是{names}{together}："
            f"{top.value_text}{top.unit}[1]。各报告数值如下（按数值{direction}）：")


def _unseen(context: AnswerContext, plan: QueryPlan, rows: Sequence[FigureRow]) -> str:
    stated = {r.source for r in rows}
    places = []
    for source in sorted(context.retriever.sources_matching(plan.filters)):
        meta = context.retriever.metas.get(source)
        if source not in stated and meta is not None:
            name = f"{meta.region or meta.title}（{meta.year}年）" if meta.year else (meta.region or meta.title)
            if name not in places:
                places.append(name)
    for region in plan.filters.regions:
        if not any(region in (r.region or "") for r in rows) and not any(p.startswith(region) for p in places):
            places.append(region)
    if not places:
        return ""
    shown = "、".join(places[:UNSEEN_SHOWN]) + (f"等{len(places)}份报告" if len(places) > UNSEEN_SHOWN else "")
    return f"\n未见数据：{shown}。"


def _cell(text: str) -> str:
    return text.replace("|", "｜").replace("\n", " ")
