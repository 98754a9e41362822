"""Page numbers: pages joined into one text with where each starts, and the page of an offset."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from corpus.layout import PageText, joined
from corpus.types import Report


def join_pages(pages: Sequence[PageText]) -> tuple[str, tuple[int, ...]]:
    """The document's text (one paragraph a line) and the offset where each page starts in it.

    A paragraph cut by a page break is rejoined; a page with no text starts where the next one does.
    """
    text = ""
    starts: list[int | None] = []
    runs_on = False
    for page in pages:
        if not page.paragraphs:
            starts.append(None)
            continue
        first, *rest = page.paragraphs
        if text and runs_on and not page.opens:
            merged = joined(text, first)
            starts.append(len(merged) - len(first))
            text = merged
        else:
            text += "\n" if text else ""
            starts.append(len(text))
            text += first
        for paragraph in rest:
            text += "\n" + paragraph
        runs_on = page.runs_on
    following = len(text)
    for index in reversed(range(len(starts))):
        if starts[index] is None:
            starts[index] = following
        following = starts[index] or 0
    return text, tuple(start or 0 for start in starts)


def page_at(report: Report, offset: int) -> int | None:
    """The 1-based page holding report.text[offset], or None for a report without pages."""
    return page_in(report.pages, offset) if offset <= len(report.text) else None


def page_in(page_starts: Sequence[int], offset: int) -> int | None:
    """The 1-based page holding the character at an offset of a report's text (which is not checked to be
    inside the text), given where its pages start; None for a report without pages."""
    if not page_starts or offset < 0:
        return None
    return max(bisect_right(page_starts, offset), 1)
