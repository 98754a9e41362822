"""Value types of the index layer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from corpus.types import Chunk, IngestWarning, ReportMeta, SkippedFile


@dataclass(frozen=True, slots=True)
class IndexedChunk:
    """A chunk as stored in the index, with its row id and its report's metadata."""

    row_id: int
    chunk: Chunk
    meta: ReportMeta


@dataclass(frozen=True, slots=True)
class RowScores:
    """A score for each of a set of chunk rows, in no particular order (what scoring every chunk gives)."""

    rows: np.ndarray  # int64 row ids
    scores: np.ndarray  # float64, scores[i] is rows[i]'s

    @classmethod
    def of(cls, hits: Sequence[tuple[int, float]]) -> RowScores:
        """From (row id, score) pairs."""
        return cls(np.fromiter((row for row, _ in hits), dtype=np.int64, count=len(hits)),
                   np.fromiter((score for _, score in hits), dtype=np.float64, count=len(hits)))

    @classmethod
    def empty(cls) -> RowScores:
        return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))

    def __len__(self) -> int:
        return len(self.rows)

    def best(self) -> float:
        """The highest score (0 when no row has one)."""
        return float(self.scores.max()) if len(self.scores) else 0.0

    def at(self, rows: np.ndarray, missing: float) -> np.ndarray:
        """The score of each of rows, missing for a row that has none (one table lookup, no Python loop)."""
        if not len(rows):
            return np.zeros(0)
        table = np.full(max(int(self.rows.max(initial=0)), int(rows.max())) + 1, missing, dtype=np.float64)
        table[self.rows] = self.scores
        return table[rows]


@dataclass(frozen=True, slots=True)
class ChunkFilter:
    """Metadata restrictions as the index layer states them (retriever.analysis.Filters, one layer down)."""

    regions: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    kinds: tuple[str, ...] = ()  # section kinds
    issuing_bodies: tuple[str, ...] = ()  # the issuing body contains any of these


@dataclass(frozen=True, slots=True)
class UpdateSummary:
    """What one `reportqa index` run did."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    skipped: tuple[SkippedFile, ...] = ()
    warnings: tuple[IngestWarning, ...] = ()  # pages of indexed files that could not be read
    reports: int = 0
    chunks: int = 0
    embedded: int = 0  # passages the embedder actually encoded (the rest came from the cache)
    embedded_units: int = 0  # evidence units (sentences) encoded
    pending_vectors: int = 0  # chunk and unit vectors still to embed (searchable by BM25 meanwhile)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def up_to_date(self) -> bool:
        """Nothing was added, changed or removed."""
        return not (self.added or self.changed or self.removed)
