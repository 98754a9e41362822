"""The numbered citations an answer builds, the passages it returns, and the sentences of retrieved chunks."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from answer.types import Citation, Passage
from retriever.types import Hit


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a retrieved chunk, with absolute offsets into its report's canonical text."""

    hit: Hit
    start: int
    end: int
    text: str


def sentences_of(hits: Sequence[Hit]) -> list[Sentence]:
    """Every sentence of the hits, in hit order, without duplicates."""
    seen: set[tuple[str, int]] = set()
    out: list[Sentence] = []
    for hit in hits:
        chunk = hit.chunk
        for start, end in chunk.sentence_spans:
            if (chunk.source, start) not in seen:
                seen.add((chunk.source, start))
                out.append(Sentence(hit, start, end, chunk.text[start - chunk.start:end - chunk.start]))
    return out


class CitationBook:
    """Numbers citations in order of first use; one number per quoted span."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []
        self.hits: list[Hit] = []
        self._numbers: dict[tuple[str, int, int], int] = {}
        self._cited_rows: set[int] = set()

    def cite(self, hit: Hit, start: int, end: int, quote: str) -> int:
        """The marker number for this quote, adding a citation if it is new."""
        key = (hit.chunk.source, start, end)
        if key not in self._numbers:
            number = len(self.citations) + 1
            self._numbers[key] = number
            self.citations.append(Citation(
                n=number, source=hit.chunk.source, title=hit.meta.title, region=hit.meta.region,
                year=hit.meta.year, section=hit.chunk.section_path, quote=quote, start=start, end=end))
            if hit.row_id not in self._cited_rows:
                self._cited_rows.add(hit.row_id)
                self.hits.append(hit)
        return self._numbers[key]

    def quoted_span(self, hit: Hit, start: int, end: int, text: str) -> str:
        """A span of a report as it appears in an answer, followed by its marker."""
        return f"{inline_quote(text)}[{self.cite(hit, start, end, text)}]"


_FAKE_MARKER = re.compile(r"[\[【]\s*(\d+)\s*[\]】]")


def inline_quote(text: str) -> str:
    """Report text inside an answer: bracketed numbers in it become ［n］, so a report cannot forge markers.

    The citation's own quote stays verbatim; only the copy in the answer text changes.
    """
    return _FAKE_MARKER.sub(lambda m: f"［{m.group(1)}］", text)


def passages_in_rank_order(cited: Sequence[Hit], retrieved: Iterable[Hit], limit: int = 10) -> list[Passage]:
    """Passages the answer cites first (the answerer's re-ranking), then the rest as retrieved."""
    out: list[Passage] = []
    seen: set[int] = set()
    for hit in [*cited, *retrieved]:
        if hit.row_id in seen:
            continue
        seen.add(hit.row_id)
        out.append(Passage(source=hit.chunk.source, section=hit.chunk.section_path, text=hit.chunk.text,
                           score=round(hit.score, 5), region=hit.meta.region, year=hit.meta.year,
                           start=hit.chunk.start, end=hit.chunk.end))
    return out[:max(limit, len(cited))]
