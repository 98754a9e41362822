"""The figure table of an index version (figures.sqlite): one row per figure stated in a report.

Rows are extracted when a report is indexed (corpus.figures) and carry the report's region and year,
so a comparison across reports is one query. An update copies the live table, deletes the rows of
removed and changed reports and adds the rows of new ones, like the chunk store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from corpus.figures import extract_figures
from corpus.patterns import normalize_for_search
from corpus.types import Report
from index.store import connect

FIGURES_FILE = "figures.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS figures (
    source TEXT NOT NULL, region TEXT NOT NULL, year INTEGER, indicator TEXT NOT NULL, search_name TEXT NOT NULL,
    value REAL NOT NULL, value_text TEXT NOT NULL, unit TEXT NOT NULL, approx INTEGER NOT NULL,
    qualifier TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, quote TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS figures_by_source ON figures(source);
"""
_COLUMNS = 'source, region, year, indicator, value, value_text, unit, approx, qualifier, start, "end", quote'


@dataclass(frozen=True, slots=True)
class FigureRow:
    """A figure of one report, as stored: the clause [start, end) of the report's canonical text is the quote."""

    source: str
    region: str
    year: int | None
    indicator: str
    value: float
    value_text: str
    unit: str
    approx: bool
    qualifier: str
    start: int
    end: int
    quote: str


def report_figures(report: Report) -> list[FigureRow]:
    """The figure rows of one report."""
    return [FigureRow(report.source, report.meta.region or "", report.meta.year, f.indicator, f.value, f.value_text,
                      f.unit, f.approx, f.qualifier, f.start, f.end, report.text[f.start:f.end])
            for f in extract_figures(report.text)]


class FigureStore:
    """The figures.sqlite of one index version."""

    def __init__(self, path: Path, readonly: bool = False) -> None:
        self.path = path
        self._db = connect(path, readonly, _SCHEMA)

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def remove_reports(self, sources: Iterable[str]) -> None:
        """Delete the rows of these reports."""
        self._db.executemany("DELETE FROM figures WHERE source = ?", [(s,) for s in sources])

    def add_rows(self, rows: Iterable[FigureRow]) -> int:
        """Insert figure rows (report_figures' of each report); returns how many."""
        values = [(r.source, r.region, r.year, r.indicator, normalize_for_search(r.indicator), r.value, r.value_text,
                   r.unit, int(r.approx), r.qualifier, r.start, r.end, r.quote) for r in rows]
        self._db.executemany("INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values)
        return len(values)

    def commit(self) -> None:
        """Make the changes durable."""
        self._db.commit()

    def sources(self) -> list[str]:
        """Reports that have rows."""
        return [s for (s,) in self._db.execute("SELECT DISTINCT source FROM figures ORDER BY source")]

    def rows(self, query: str = "", region: str | None = None, year: int | None = None) -> list[FigureRow]:
        """Rows whose indicator contains the query (normalised), in report and text order."""
        sql = f"SELECT {_COLUMNS} FROM figures WHERE search_name LIKE ? ESCAPE '\\'"
        escaped = normalize_for_search(query).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params: list[object] = [f"%{escaped}%"]
        if region:
            sql += " AND region LIKE ?"
            params.append(f"%{region}%")
        if year is not None:
            sql += " AND year = ?"
            params.append(year)
        sql += " ORDER BY source, start"
        return [_row(values) for values in self._db.execute(sql, params)]

    def indicator_names(self) -> list[str]:
        """Every distinct indicator name."""
        return [n for (n,) in self._db.execute("SELECT DISTINCT indicator FROM figures")]

    def regions(self) -> dict[str, tuple[str, int | None]]:
        """Report file name -> (region, year) of every report with rows."""
        return {s: (r, y) for s, r, y in self._db.execute("SELECT DISTINCT source, region, year FROM figures")}


def _row(values: Sequence[object]) -> FigureRow:
    source, region, year, indicator, value, value_text, unit, approx, qualifier, start, end, quote = values
    return FigureRow(str(source), str(region), None if year is None else int(str(year)), str(indicator),
                     float(str(value)), str(value_text), str(unit), bool(approx), str(qualifier), int(str(start)),
                     int(str(end)), str(quote))


def update_figures(path: Path, previous: Path | None, stale: Iterable[str], rows: Iterable[FigureRow]) -> int:
    """Write the figure table of a new version: the previous one minus stale reports, plus the rows of new ones
    (report_figures of each, in report order)."""
    if previous is not None and previous.exists():
        path.write_bytes(previous.read_bytes())
    store = FigureStore(path)
    try:
        store.remove_reports(stale)
        added = store.add_rows(rows)
        store.commit()
    finally:
        store.close()
    return added


def load_overrides(path: Path | None) -> Mapping[str, str]:
    """Indicator -> group name from a small TOML file (`[groups]` table: "负责人出庭率" = "行政机关负责人出庭率")."""
    if path is None or not path.exists():
        return {}
    import tomllib

    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.get("groups", {}).items()}
