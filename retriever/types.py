"""Value types of the retrieval layer, and the retriever protocol answerers depend on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple, Protocol

import numpy as np

from corpus.types import Chunk, Report, ReportMeta
from index.types import RowScores

if TYPE_CHECKING:
    from index.figures import FigureStore
    from index.units import UnitIndex
    from retriever.analysis import Filters
    from retriever.places import RegionResolver


class Ranked(NamedTuple):
    """A chunk row id with a score, as rankings pass them between layers."""

    row_id: int
    score: float


@dataclass(frozen=True, slots=True)
class Hit:
    """A retrieved chunk with its fused score and the scores it got from each retriever."""

    row_id: int
    chunk: Chunk
    meta: ReportMeta
    score: float
    dense_score: float | None = None
    bm25_score: float | None = None


@dataclass(frozen=True, slots=True)
class ChunkScores:
    """Dense and BM25 scores of every chunk that passed the filters (BM25 only where a term matched)."""

    dense: RowScores
    bm25: RowScores


class Retriever(Protocol):
    """What answerers need of retrieval: ranked chunks, scores of every chunk, reports and evidence units."""

    resolver: RegionResolver

    @property
    def metas(self) -> Mapping[str, ReportMeta]:
        """Each report's metadata by file name."""
        ...

    @property
    def embedder_id(self) -> str:
        """The model id of the index's embedder (scores are fitted per embedder family)."""
        ...

    @property
    def units(self) -> UnitIndex:
        """The evidence units of the index."""
        ...

    def retrieve(self, query: str, filters: Filters | None = None, k: int = 10) -> list[Hit]:
        """The k best chunks for the query among those passing the filters."""
        ...

    def chunk_scores(self, query: str, filters: Filters | None = None) -> ChunkScores:
        """Dense and BM25 scores of every chunk passing the filters."""
        ...

    def sources_matching(self, filters: Filters) -> list[str]:
        """Reports whose metadata passes the filters."""
        ...

    @property
    def figures(self) -> FigureStore | None:
        """The figure table of the index (None for an index built before it existed)."""
        ...

    def report(self, source: str) -> Report | None:
        """A report's canonical text and sections."""
        ...

    def page_starts(self, sources: Sequence[str]) -> dict[str, tuple[int, ...]]:
        """Where these reports' pages start in their texts (empty without pages; unknown reports left out)."""
        ...

    def hit_at(self, source: str, offset: int) -> Hit | None:
        """The chunk of a report holding a character offset."""
        ...

    def hits_at(self, places: Sequence[tuple[str, int]]) -> list[Hit | None]:
        """hit_at for each (report, offset), the chunks read together."""
        ...

    def hits_for(self, rows: Sequence[int], scores: Mapping[int, float] | None = None) -> list[Hit]:
        """Hits for chunk rows (for passages), scored as given."""
        ...

    def query_vector(self, query: str) -> np.ndarray:
        """The embedded query."""
        ...

    def unit_vectors(self, ids: np.ndarray) -> np.ndarray | None:
        """The stored vectors of these units, or None while the index is still embedding them."""
        ...

    @property
    def pending_vectors(self) -> int:
        """Vectors the index is still embedding."""
        ...
