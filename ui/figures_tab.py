"""The 指标对比 tab: one indicator across reports as a table and a labelled bar chart, exported as CSV or .xlsx.

Clicking a row shows the report at the clause that states the figure (the clause marked).
"""

from __future__ import annotations

import html
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from retriever.figures import FigureMatch, find_figures
from ui.figures_view import figure_records, records_csv, records_xlsx
from ui.service import AssistantService

HEADERS = ["地区", "年份", "指标", "数值", "单位", "限定", "原文", "文件"]
CONTEXT_CHARS = 240  # report text shown on each side of the clicked clause
BAR_WIDTH, BAR_GAP, CHART_HEIGHT = 56, 24, 260


def figure_matches(service: AssistantService, query: str) -> list[FigureMatch]:
    """The rows of an indicator in the current index (none when the index has no figure table or no query)."""
    store = service.pipeline.retriever.figures
    if store is None or not query.strip():
        return []
    return find_figures(store, query.strip())


def table_rows(matches: Sequence[FigureMatch]) -> list[list[Any]]:
    """One Dataframe row per figure."""
    return [[m.row.region, m.row.year or "", m.row.indicator, ("约" if m.row.approx else "") + m.row.value_text,
             m.row.unit, m.row.qualifier, m.row.quote, m.row.source] for m in matches]


def bar_chart(matches: Sequence[FigureMatch]) -> str:
    """An inline SVG: one bar per region and year, its value written above it (a figure in another unit is left out)."""
    if not matches:
        return "<p>没有找到该指标的数据。</p>"
    unit = matches[0].row.unit
    bars = [m for m in matches if m.row.unit == unit]
    top = max(m.row.value for m in bars) or 1.0
    width = len(bars) * (BAR_WIDTH + BAR_GAP) + BAR_GAP
    parts = [f'<svg id="figures-svg" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{CHART_HEIGHT + 60}"'
             f' role="img" aria-label="{html.escape(matches[0].group)}（{html.escape(unit)}）">']
    for i, m in enumerate(bars):
        height = max(2.0, m.row.value / top * CHART_HEIGHT)
        x = BAR_GAP + i * (BAR_WIDTH + BAR_GAP)
        y = CHART_HEIGHT - height + 20
        label = f"{m.row.region}{m.row.year or ''}"
        parts += [f'<rect class="figure-bar" x="{x}" y="{y:.1f}" width="{BAR_WIDTH}" height="{height:.1f}" '
                  f'fill="#4c6ef5"/>',
                  f'<text class="figure-value" x="{x + BAR_WIDTH / 2}" y="{y - 4:.1f}" text-anchor="middle" '
                  f'font-size="12">{html.escape(m.row.value_text + m.row.unit)}</text>',
                  f'<text class="figure-label" x="{x + BAR_WIDTH / 2}" y="{CHART_HEIGHT + 38}" text-anchor="middle" '
                  f'font-size="12">{html.escape(label)}</text>']
    parts.append("</svg>")
    return "".join(parts)


def clause_view(service: AssistantService, match: FigureMatch) -> str:
    """The report around the clause of a figure, the clause marked."""
    report = service.report(match.row.source)
    if report is None:
        return ""
    start, end = match.row.start, match.row.end
    before = report.text[max(0, start - CONTEXT_CHARS):start]
    after = report.text[end:end + CONTEXT_CHARS]
    return (f'<div id="figures-clause" class="source-card"><div class="source-meta">{html.escape(report.meta.title)}'
            f"（{html.escape(match.row.source)}，第{start}–{end}字）</div><div class=\"source-passage\">"
            f"…{html.escape(before)}<mark>{html.escape(report.text[start:end])}</mark>{html.escape(after)}…</div></div>")


def export_files(matches: Sequence[FigureMatch], folder: Path) -> tuple[Path, Path]:
    """The rows written as figures.csv and figures.xlsx in folder."""
    records = figure_records(matches)
    csv_path = folder / "figures.csv"
    csv_path.write_text(records_csv(records), encoding="utf-8-sig")  # with a BOM: Excel then reads it as UTF-8
    return csv_path, records_xlsx(records, folder / "figures.xlsx")


def build_figures_tab(gr: Any, service: AssistantService) -> None:
    """Components and handlers of the tab."""
    with gr.Row():
        query = gr.Textbox(label="指标", placeholder="例如：败诉率、出庭率、调解成功率", scale=4,
                           elem_id="figures-query")
        search = gr.Button("查询", variant="primary", scale=1, elem_id="figures-search")
    table = gr.Dataframe(headers=HEADERS, interactive=False, elem_id="figures-table")
    chart = gr.HTML(elem_id="figures-chart")
    with gr.Row():
        csv_button = gr.DownloadButton("导出 CSV", elem_id="figures-csv", interactive=False)
        xlsx_button = gr.DownloadButton("导出 xlsx", elem_id="figures-xlsx", interactive=False)
    clause = gr.HTML(elem_id="figures-clause-view")
    found = gr.State([])

    def run(text: str) -> tuple[Any, ...]:
        matches = figure_matches(service, text)
        if not matches:
            return ([], bar_chart([]), gr.update(value=None, interactive=False),
                    gr.update(value=None, interactive=False), "", [])
        folder = Path(tempfile.mkdtemp(prefix="reportqa-figures-"))
        csv_path, xlsx_path = export_files(matches, folder)
        return (table_rows(matches), bar_chart(matches), gr.update(value=str(csv_path), interactive=True),
                gr.update(value=str(xlsx_path), interactive=True), "", matches)

    def show(matches: list[FigureMatch], event: Any) -> str:
        row = event.index[0] if isinstance(event.index, list | tuple) else event.index
        return clause_view(service, matches[row]) if 0 <= row < len(matches) else ""

    # Gradio passes the clicked cell to a parameter annotated SelectData; annotations here are strings.
    show.__annotations__["event"] = gr.SelectData

    outputs = [table, chart, csv_button, xlsx_button, clause, found]
    search.click(run, query, outputs, api_name=False)
    query.submit(run, query, outputs, api_name=False)
    table.select(show, found, clause, api_name=False)
