"""Section-aware chunks: sentences packed within one section up to a token bound."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from corpus.sections import CN_DIGITS
from corpus.types import Chunk, Report, Section

TokenCounter = Callable[[str], int]

DEFAULT_CHUNK_TOKENS = 160
HARD_LIMIT_FACTOR = 4  # without guards, no chunk exceeds this many times the target
# A sentence ends at 。！？； (with any closing quotes), at a line end, or before an item marker
# such as the 二是 in "…,二是…": items are sections, and no sentence straddles two sections.
_SENTENCE_END = re.compile(rf"[。！？!?；;]+[”’」』)）》\"']*|\n|(?<=[，,：:])(?=[{CN_DIGITS}]{{1,3}}是)")
_CLAUSE_END = re.compile(r"[，,、：:]")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentences of text[start:end] as absolute spans, white space trimmed, none empty."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    position = start
    for match in _SENTENCE_END.finditer(text, start, end):
        _append_trimmed(text, position, match.end(), spans)
        position = match.end()
    _append_trimmed(text, position, end, spans)
    return spans


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))


def own_segments(sections: Sequence[Section]) -> list[tuple[Section, int, int]]:
    """Each section's own text (its span minus its children's), in document order."""
    children: dict[int, list[Section]] = {}
    for section in sections:
        if section.parent_id is not None:
            children.setdefault(section.parent_id, []).append(section)
    segments: list[tuple[Section, int, int]] = []
    for section in sections:
        position = section.start
        for child in sorted(children.get(section.section_id, []), key=lambda s: s.start):
            if child.start > position:
                segments.append((section, position, child.start))
            position = max(position, child.end)
        if section.end > position:
            segments.append((section, position, section.end))
    return sorted(segments, key=lambda seg: seg[1])


def chunk_report(report: Report, count_tokens: TokenCounter, max_tokens: int = DEFAULT_CHUNK_TOKENS,
                 guards: Sequence[tuple[TokenCounter, int]] = ()) -> tuple[Chunk, ...]:
    """Split a report into chunks that never cross a section and keep sentences whole.

    `count_tokens` and `max_tokens` set the target size (o200k_base tokens); a longer sentence
    becomes a chunk of its own. Guards are hard limits (counter, limit), such as the embedding
    model's own tokenizer and input window: only a sentence over a hard limit is cut, at clause ends.
    """
    limits = [(count_tokens, max_tokens * HARD_LIMIT_FACTOR), *guards]
    chunks: list[Chunk] = []
    for section, start, end in own_segments(report.sections):
        sentences = _bounded_sentences(report.text, start, end, limits)
        for group in _pack(report.text, sentences, max_tokens, limits):
            chunk_start, chunk_end = group[0][0], group[-1][1]
            text = report.text[chunk_start:chunk_end]
            ordinal = len(chunks)
            chunks.append(Chunk(
                chunk_id=f"{report.source}#{ordinal}", source=report.source, ordinal=ordinal, text=text,
                start=chunk_start, end=chunk_end, section_id=section.section_id,
                section_path=section.path, section_kind=section.kind,
                sentence_spans=tuple(group), n_tokens=count_tokens(text),
            ))
    return tuple(chunks)


def _fits(text: str, limits: Sequence[tuple[TokenCounter, int]]) -> bool:
    return all(counter(text) <= limit for counter, limit in limits)


def _bounded_sentences(text: str, start: int, end: int, limits: Sequence[tuple[TokenCounter, int]]
                       ) -> list[tuple[tuple[int, int], list[int]]]:
    """Sentences with their size under each limit's counter, any sentence over a bound cut at clause ends,
    then by length.

    Each sentence is counted once here and the sizes handed to the packer: counting (the embedder's
    tokenizer above all) is most of the chunker's time.
    """
    out: list[tuple[tuple[int, int], list[int]]] = []
    for s_start, s_end in sentence_spans(text, start, end):
        sizes = [counter(text[s_start:s_end]) for counter, _ in limits]
        if all(size <= limit for size, (_, limit) in zip(sizes, limits, strict=True)):
            out.append(((s_start, s_end), sizes))
            continue
        pieces: list[tuple[int, int]] = []
        position = s_start
        for match in _CLAUSE_END.finditer(text, s_start, s_end):
            pieces.append((position, match.end()))
            position = match.end()
        if position < s_end:
            pieces.append((position, s_end))
        out.extend(((a, b), [counter(text[a:b]) for counter, _ in limits])
                   for a, b in _merge_pieces(text, pieces, limits))
    return out


def _merge_pieces(text: str, pieces: list[tuple[int, int]],
                  limits: Sequence[tuple[TokenCounter, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for piece in pieces:
        if merged and _fits(text[merged[-1][0]:piece[1]], limits):
            merged[-1] = (merged[-1][0], piece[1])
        elif _fits(text[piece[0]:piece[1]], limits):
            merged.append(piece)
        else:
            merged.extend(_split_by_length(text, piece, limits))
    return merged


def _split_by_length(text: str, span: tuple[int, int],
                     limits: Sequence[tuple[TokenCounter, int]]) -> list[tuple[int, int]]:
    start, end = span
    # No token spans more than a few characters, so a piece never needs to be longer than this.
    longest = 8 * min(limit for _, limit in limits)
    out: list[tuple[int, int]] = []
    while start < end:
        size = min(end - start, longest)
        while size > 1 and not _fits(text[start:start + size], limits):
            size = max(1, size * 3 // 4)
        out.append((start, start + size))
        start += size
    return out


def _pack(text: str, sentences: list[tuple[tuple[int, int], list[int]]], max_tokens: int,
          limits: Sequence[tuple[TokenCounter, int]]) -> list[list[tuple[int, int]]]:
    """Greedy packing towards an even target size, so a section splits into balanced chunks.

    Sizes are summed per sentence (linear time); a candidate near a hard limit is counted whole.
    """
    if not sentences:
        return []
    total = sum(sizes[0] for _, sizes in sentences)
    target = total / max(1, math.ceil(total / max_tokens))
    groups: list[list[tuple[int, int]]] = [[sentences[0][0]]]
    running = list(sentences[0][1])
    for sentence, size in sentences[1:]:
        grown = [a + b for a, b in zip(running, size, strict=True)]
        near_limit = any(g > 0.9 * limit for g, (_, limit) in zip(grown, limits, strict=True))
        fits = grown[0] <= target * 1.15 and (
            not near_limit or _fits(text[groups[-1][0][0]:sentence[1]], limits))
        if fits:
            groups[-1].append(sentence)
            running = grown
        else:
            groups.append([sentence])
            running = list(size)
    return groups
