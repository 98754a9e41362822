"""Value types of the retrieval layer."""

from __future__ import annotations

from dataclasses import dataclass

from corpus.types import Chunk, ReportMeta


@dataclass(frozen=True, slots=True)
class Hit:
    """A retrieved chunk with its fused score and the scores it got from each retriever."""

    row_id: int
    chunk: Chunk
    meta: ReportMeta
    score: float
    dense_score: float | None = None
    bm25_score: float | None = None
