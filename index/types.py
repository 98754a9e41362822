"""Value types of the index layer."""

from __future__ import annotations

from dataclasses import dataclass, field

from corpus.types import Chunk, IngestWarning, ReportMeta, SkippedFile


@dataclass(frozen=True, slots=True)
class IndexedChunk:
    """A chunk as stored in the index, with its row id and its report's metadata."""

    row_id: int
    chunk: Chunk
    meta: ReportMeta


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
