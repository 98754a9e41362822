"""Candidate sentences from retrieved chunks, their scores, and the numbered citations an answer builds."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from answer.matching import Match, figure_near, has_figure, match
from answer.types import Citation, Passage
from index.analysis import normalize_for_search
from retriever.types import Hit


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a retrieved chunk, with absolute offsets into its report's canonical text."""

    hit: Hit
    rank: int  # the chunk's retrieval rank, from 0
    start: int
    end: int
    text: str
    normalized: str
    context: str = ""  # normalised section path and preceding sentence

    @property
    def key(self) -> tuple[str, int]:
        """Identity of the sentence across chunks."""
        return (self.hit.chunk.source, self.start)


def sentences_of(hits: Sequence[Hit]) -> list[Sentence]:
    """Every sentence of the hits, in hit order, without duplicates."""
    seen: set[tuple[str, int]] = set()
    out: list[Sentence] = []
    for rank, hit in enumerate(hits):
        chunk = hit.chunk
        previous = ""
        for start, end in chunk.sentence_spans:
            text = chunk.text[start - chunk.start:end - chunk.start]
            normalized = normalize_for_search(text)
            if (chunk.source, start) not in seen:
                seen.add((chunk.source, start))
                context = normalize_for_search(chunk.section_path) + "\n" + previous
                out.append(Sentence(hit, rank, start, end, text, normalized, context))
            previous = normalized
    return out


@dataclass(frozen=True, slots=True)
class Scored:
    """A sentence with its match against the topic and its final score."""

    sentence: Sentence
    match: Match
    score: float


def score_sentences(sentences: Iterable[Sentence], fragments: list[str], numeric: bool = False) -> list[Scored]:
    """Sentences by score, best first; numeric questions prefer sentences that state figures."""
    out = []
    for sentence in sentences:
        found = match(fragments, sentence.normalized, sentence.context)
        # A longer verbatim run wins a tie between sentences that both cover the topic.
        score = found.score + 0.05 * found.run_share
        if numeric:
            if not has_figure(sentence.text):
                score *= 0.85
            elif figure_near(fragments, sentence.normalized):
                score += 0.05  # "建立7个合规联系点": the figure stands by the thing asked about
        score += 0.02 / (1 + sentence.rank)  # retrieval order breaks near-ties
        out.append(Scored(sentence, found, score))
    return sorted(out, key=lambda s: (-s.score, s.sentence.rank, s.sentence.start))


class CitationBook:
    """Numbers citations in order of first use; one number per quoted span."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []
        self.hits: list[Hit] = []
        self._numbers: dict[tuple[str, int, int], int] = {}

    def cite(self, hit: Hit, start: int, end: int, quote: str) -> int:
        """The marker number for this quote, adding a citation if it is new."""
        key = (hit.chunk.source, start, end)
        if key not in self._numbers:
            number = len(self.citations) + 1
            self._numbers[key] = number
            self.citations.append(Citation(
                n=number, source=hit.chunk.source, title=hit.meta.title, region=hit.meta.region,
                year=hit.meta.year, section=hit.chunk.section_path, quote=quote, start=start, end=end))
            if all(h.row_id != hit.row_id for h in self.hits):
                self.hits.append(hit)
        return self._numbers[key]

    def cite_sentence(self, sentence: Sentence) -> int:
        """Cite a whole candidate sentence."""
        return self.cite(sentence.hit, sentence.start, sentence.end, sentence.text)

    def quoted(self, sentence: Sentence) -> str:
        """The sentence as it appears in an answer, followed by its marker."""
        return f"{inline_quote(sentence.text)}[{self.cite_sentence(sentence)}]"

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
