"""Positioned lines of a page -> paragraphs: wrapped lines rejoined, new paragraphs at indents and headings.

Both a PDF's text layer and OCR give lines with boxes; the geometry tells a wrapped line (the one
before it runs to the right margin, it starts at the left margin) from a new paragraph (indented,
a heading, or after a short line), which the characters alone cannot.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from corpus.sections import HEADING_PATTERN
from corpus.types import IngestWarning

PageProgress = Callable[[int, int], None]  # (pages done, pages in the document)

_SENTENCE_END = re.compile(r"[。！？；!?;:：][”’」』)）\"']*$")
# Page furniture at the top or bottom of a page: "- 3 -", "— 3 —" (which OCR may read as 一3一), "第3页",
# "3/10", "第 3 页 共 10 页", a bare URL.
_PAGE_FURNITURE = re.compile(
    r"^(?:[-—–－一~·\s]*(?:第\s*)?\d{1,4}\s*(?:页)?\s*(?:[/／]\s*\d{1,4}|共\s*\d{1,4}\s*页)?[-—–－一~·\s]*"
    r"|https?://\S+)$")
_FEW_LINES = 8  # a page with fewer body lines borrows the document's margins
_MIN_LINES = 3  # a document with fewer body lines has no margins to measure
_FULL_SLACK = 1.5  # a line ending within this many characters of the right margin runs on
_INDENT = 0.9  # a line starting this many characters right of the left margin is indented
_COLUMN_GAP = 2.0  # a wider gap inside a line separates the columns of a table without rules


@dataclass(frozen=True, slots=True)
class TextLine:
    """One line of a page with its box (any unit; y grows downwards)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    fixed: bool = False  # a table row: a paragraph of its own, never joined to another line


@dataclass(frozen=True, slots=True)
class PagedLines:
    """The lines of each page of a document, in reading order, and the pages that could not be read."""

    pages: tuple[tuple[TextLine, ...], ...]
    warnings: tuple[IngestWarning, ...] = ()


@dataclass(frozen=True, slots=True)
class PageText:
    """A page as paragraphs, with what its edges say about a paragraph running over a page break."""

    paragraphs: tuple[str, ...]
    opens: bool  # its first line starts a paragraph (indented, a heading, a table row)
    runs_on: bool  # its last line runs to the right margin: the paragraph may go on on the next page


@dataclass(frozen=True, slots=True)
class _Margins:
    left: float
    right: float
    char: float  # the size of one character (a line's height)
    indents: bool  # the document marks paragraphs by indenting their first line


def joined(before: str, after: str) -> str:
    """Two pieces of one wrapped line; a space only between Latin words (never inside a number or CJK)."""
    if before and after and before[-1].isascii() and after[0].isascii():
        a, b = before[-1], after[0]
        if (a.isalpha() and b.isalnum()) or (a.isdigit() and b.isalpha()) or (a in ",.;:)" and b.isalnum()):
            return f"{before} {after}"
    return before + after


def group_rows(boxes: Sequence[TextLine]) -> list[TextLine]:
    """OCR boxes -> lines, top to bottom: boxes side by side on one line merged left to right."""
    rows: list[list[TextLine]] = []
    for box in sorted(boxes, key=lambda b: (b.top + b.bottom) / 2):
        if rows and _same_row(rows[-1], box):
            rows[-1].append(box)
        else:
            rows.append([box])
    lines = []
    for row in rows:
        row.sort(key=lambda b: b.x0)
        text = row[0].text
        for left, right in itertools.pairwise(row):
            gap = right.x0 - left.x1
            text = f"{text} {right.text}" if gap > 0.8 * (right.bottom - right.top) else joined(text, right.text)
        height = statistics.median(b.bottom - b.top for b in row)
        lines.append(TextLine(text, min(b.x0 for b in row), max(b.x1 for b in row), min(b.top for b in row),
                              max(b.bottom for b in row), has_column_gap([(b.x0, b.x1) for b in row], height)))
    return lines


def has_column_gap(extents: Sequence[tuple[float, float]], char: float) -> bool:
    """Whether pieces of one line (left to right) leave a gap wide enough to be table columns, not words."""
    return any(right[0] - left[1] > _COLUMN_GAP * char for left, right in itertools.pairwise(extents))


def _same_row(row: list[TextLine], box: TextLine) -> bool:
    top, bottom = min(b.top for b in row), max(b.bottom for b in row)
    overlap = min(bottom, box.bottom) - max(top, box.top)
    return overlap >= 0.5 * min(bottom - top, box.bottom - box.top)


def page_paragraphs(pages: Sequence[Sequence[TextLine]]) -> list[PageText]:
    """Each page's lines (in reading order) as paragraphs; page numbers at a page's top or bottom dropped."""
    bodies = [_without_page_furniture(lines) for lines in pages]
    document = _margins([line for lines in bodies for line in lines])
    out = []
    for lines in bodies:
        margins = document
        text_lines = [line for line in lines if not line.fixed]
        if len(text_lines) >= _FEW_LINES and document is not None:
            own = _margins(text_lines)
            margins = _Margins(own.left, own.right, own.char, document.indents) if own else document
        out.append(_paragraphs(lines, margins))
    return out


def _without_page_furniture(lines: Sequence[TextLine]) -> list[TextLine]:
    kept = list(lines)
    for index in (0, -1):  # the first and last lines, checked once each
        if kept and _PAGE_FURNITURE.match(kept[index].text.strip()):
            kept.pop(index)
    return kept


def _margins(lines: Sequence[TextLine]) -> _Margins | None:
    body = [line for line in lines if not line.fixed and line.text.strip()]
    if len(body) < _MIN_LINES:
        return None  # too few lines to tell a margin from a short line: each line stays a paragraph
    lefts = sorted(line.x0 for line in body)
    rights = sorted(line.x1 for line in body)
    left = lefts[int(0.1 * (len(lefts) - 1))]
    right = rights[int(0.9 * (len(rights) - 1) + 0.5)]
    char = statistics.median(line.bottom - line.top for line in body) or 1.0
    indented = sum(1 for line in body if 1.5 <= (line.x0 - left) / char <= 2.8)
    return _Margins(left, right, char, indented >= max(2, 0.03 * len(body)))


def _paragraphs(lines: Sequence[TextLine], margins: _Margins | None) -> PageText:
    if not lines or margins is None:
        return PageText(tuple(line.text for line in lines), True, False)
    paragraphs: list[str] = []
    previous: TextLine | None = None
    for line in lines:
        if previous is None or _starts_paragraph(previous, line, margins):
            paragraphs.append(line.text)
        else:
            paragraphs[-1] = joined(paragraphs[-1], line.text)
        previous = line
    first, last = lines[0], lines[-1]
    opens = first.fixed or _indented(first, margins) or bool(HEADING_PATTERN.match(first.text))
    runs_on = (not last.fixed and _runs_to_margin(last, margins)
               and (margins.indents or not _SENTENCE_END.search(last.text)))
    return PageText(tuple(paragraphs), opens, runs_on)


def _starts_paragraph(previous: TextLine, line: TextLine, margins: _Margins) -> bool:
    if previous.fixed or line.fixed or not _runs_to_margin(previous, margins) or _indented(line, margins):
        return True
    # Without indents, a sentence end at the margin closes a paragraph; with them, only before a heading.
    return bool(_SENTENCE_END.search(previous.text)) and (
        not margins.indents or bool(HEADING_PATTERN.match(line.text)))


def _runs_to_margin(line: TextLine, margins: _Margins) -> bool:
    return line.x1 >= margins.right - _FULL_SLACK * margins.char


def _indented(line: TextLine, margins: _Margins) -> bool:
    return line.x0 >= margins.left + _INDENT * margins.char
