"""Tables as searchable text: one line per row, each value named by its column header."""

from __future__ import annotations

import re
from collections.abc import Sequence

from corpus.layout import joined

_CELL_BREAK = re.compile(r"\s*\n\s*")


def table_lines(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows of cells -> lines such as "指标：败诉率；2023年：2.21%；2022年：3.1%" (the first row is the header).

    A merged cell comes repeated in every column it covers and is named once. A table of a single
    row or a single column has no header to name its cells by: they are listed.
    """
    grid = [[_cell_text(cell) for cell in row] for row in rows]
    grid = [row for row in grid if any(row)]
    if not grid:
        return []
    width = max(len(row) for row in grid)
    grid = [row + [""] * (width - len(row)) for row in grid]
    if len(grid) == 1 or width == 1:
        return ["；".join(_distinct(row)) for row in grid]
    header, lines = grid[0], []
    for row in grid[1:]:
        pairs: list[tuple[str, str]] = []
        for name, value in zip(header, row, strict=True):
            if value and (name, value) not in pairs[-1:]:
                pairs.append((name, value))
        if pairs:
            lines.append("；".join(f"{name}：{value}" if name and name != value else value for name, value in pairs))
    return lines


def fill_merged(rows: Sequence[Sequence[str | None]]) -> list[list[str]]:
    """A grid with None where a merged cell covers: the header row takes the cell to its left, others the one above."""
    grid: list[list[str]] = []
    for number, row in enumerate(rows):
        filled: list[str] = []
        for column, cell in enumerate(row):
            if cell is not None:
                filled.append(cell)
            elif number > 0 and column < len(grid[-1]):
                filled.append(grid[-1][column])
            else:
                filled.append(filled[-1] if filled else "")
        grid.append(filled)
    return grid


def _cell_text(cell: str) -> str:
    """A cell's text on one line: breaks inside a cell are where it wrapped, not meaning."""
    text = ""
    for part in _CELL_BREAK.split(cell.strip()):
        text = joined(text, part)
    return text


def _distinct(row: list[str]) -> list[str]:
    out: list[str] = []
    for cell in row:
        if cell and cell not in out[-1:]:
            out.append(cell)
    return out
