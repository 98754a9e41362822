"""Figure rows for people and programs: JSON records, CSV, .xlsx and a plain-text table."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from index.figures import FIGURES_FILE, FigureStore
from index.layout import IndexLayout, IndexNotFoundError
from retriever.figures import FigureMatch

FIELDS = ("region", "year", "indicator", "group", "value", "value_text", "unit", "approx", "qualifier", "source",
          "start", "end", "quote")


def open_figures(index_dir: Path) -> FigureStore:
    """The figure table of the live index version (read-only)."""
    live = IndexLayout(index_dir).live_version()
    if live is None or not (live / FIGURES_FILE).exists():
        raise IndexNotFoundError(f"no figure table at {index_dir}. Build or update the index: "
                                 f"reportqa index PATH... --index {index_dir}")
    return FigureStore(live / FIGURES_FILE, readonly=True)


def figure_records(matches: Sequence[FigureMatch]) -> list[dict[str, object]]:
    """One JSON-ready record per row, fields as in FIELDS."""
    return [{"region": m.row.region, "year": m.row.year, "indicator": m.row.indicator, "group": m.group,
             "value": m.row.value, "value_text": m.row.value_text, "unit": m.row.unit, "approx": m.row.approx,
             "qualifier": m.row.qualifier, "source": m.row.source, "start": m.row.start, "end": m.row.end,
             "quote": m.row.quote} for m in matches]


def records_csv(records: Sequence[dict[str, object]]) -> str:
    """CSV text with a header row."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()


def records_xlsx(records: Sequence[dict[str, object]], path: Path) -> Path:
    """An .xlsx workbook of the records (one sheet, header row)."""
    try:
        import xlsxwriter
    except ImportError as exc:
        raise ImportError("exporting .xlsx needs XlsxWriter: pip install 'reportqa[ui]'") from exc
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("figures")
    sheet.write_row(0, 0, FIELDS)
    for i, record in enumerate(records, start=1):
        sheet.write_row(i, 0, ["" if record[f] is None else record[f] for f in FIELDS])
    workbook.close()
    return path


def records_text(records: Sequence[dict[str, object]]) -> str:
    """One line per row: region, year, indicator, value with unit, qualifier, then the quote."""
    if not records:
        return "no figures found"
    lines = []
    for r in records:
        approx = "约" if r["approx"] else ""
        qualifier = f" ({r['qualifier']})" if r["qualifier"] else ""
        lines.append(f"{r['region']}\t{r['year'] or ''}\t{r['indicator']}\t{approx}{r['value_text']}{r['unit']}"
                     f"{qualifier}\t“{r['quote']}” [{r['source']}:{r['start']}-{r['end']}]")
    return "\n".join(lines)
