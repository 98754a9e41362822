"""Hybrid retrieval: dense and BM25 fused, metadata filters, diversity across reports."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from corpus.patterns import normalize_for_search
from corpus.types import Report
from index.figures import FigureStore
from index.search import SearchIndex
from index.types import ChunkFilter, RowScores
from index.units import UnitIndex, bigrams
from retriever.analysis import Filters
from retriever.fusion import reciprocal_rank_fusion
from retriever.places import RegionResolver
from retriever.types import ChunkScores, Hit, Ranked


@dataclass(frozen=True, slots=True)
class RetrievalOptions:
    """Knobs of hybrid retrieval."""

    pool: int = 60  # candidates taken from each retriever before fusion
    fusion: str = "convex"  # "convex" or "rrf"; convex at 0.3 measured best (eval/retrieval_study.py)
    dense_weight: float = 0.3  # convex fusion: weight of the min-max normalised dense score
    max_share_per_report: float = 0.5  # diversity: share of the top-k one report may take (unfiltered)


_Scored = tuple[int, float, float | None, float | None]  # row, fused score, dense score, BM25 score


class HybridRetriever:
    """Dense + BM25 over one index, with filters and per-report diversity."""

    def __init__(self, index: SearchIndex, options: RetrievalOptions | None = None) -> None:
        self.index = index
        self.options = options or RetrievalOptions()
        self.metas = index.chunks.metas  # each report with chunks, in the order of its first chunk
        parents = [p for m in self.metas.values() for p in (m.province, m.prefecture)]
        self.resolver = RegionResolver([m.region for m in self.metas.values() if m.region], [p for p in parents if p],
                                       mentioned=self.mentioned,
                                       region_parents={m.region: (m.province, m.prefecture)
                                                       for m in self.metas.values() if m.region})
        self._normalized: dict[int, str] | None = None

    @property
    def embedder_id(self) -> str:
        """The model id of the index's embedder."""
        return self.index.embedder.model_id

    @property
    def units(self) -> UnitIndex:
        """The evidence units of the index."""
        return self.index.units

    @property
    def figures(self) -> FigureStore | None:
        """The figure table of the index."""
        return self.index.figures

    def report(self, source: str) -> Report | None:
        """A report's canonical text and sections."""
        return self.index.report(source)

    def page_starts(self, sources: Sequence[str]) -> dict[str, tuple[int, ...]]:
        """Where these reports' pages start in their texts (empty without pages; unknown reports left out)."""
        return self.index.page_starts(sources)

    def query_vector(self, query: str) -> np.ndarray:
        """The embedded query (cached by the index)."""
        return self.index.embed_query(query)

    def unit_vectors(self, ids: np.ndarray) -> np.ndarray | None:
        """The stored vectors of these units (float32), or None while the index is still embedding them."""
        stored = self.index.unit_vectors
        return None if stored is None else np.asarray(stored[np.asarray(ids, dtype=np.int64)], dtype=np.float32)

    @property
    def pending_vectors(self) -> int:
        """Vectors the index is still embedding (answers made meanwhile say so)."""
        return self.index.pending_vectors

    def mentioned(self, name: str) -> bool:
        """Whether any report's text contains the (normalised) name."""
        units = self.index.units
        grams = bigrams(normalize_for_search(name))
        if not grams:
            return False
        holders = None
        for gram in grams:
            found = set(units.unit_bigrams.items(gram).tolist())
            holders = found if holders is None else holders & found
            if not holders:
                return False
        return any(name in units.texts[i] for i in holders or ())

    def sources_matching(self, filters: Filters) -> list[str]:
        """Reports whose metadata passes the filters, in file-name order."""
        out = []
        for source, meta in sorted(self.metas.items()):
            if filters.regions and meta.region not in filters.regions:
                continue
            if filters.years and meta.year not in filters.years:
                continue
            if filters.issuing_bodies and not any(b in (meta.issuing_body or "") for b in filters.issuing_bodies):
                continue
            out.append(source)
        return out

    def allowed_rows(self, filters: Filters) -> list[int] | None:
        """Row ids passing the filters, or None when nothing is filtered."""
        if filters.is_empty():
            return None
        rows = [r for s in self.sources_matching(filters) for r in self.index.chunks.rows_of(s)]
        if filters.kinds:
            kinds = self.index.chunks.section_kinds(rows)
            rows = [r for r, kind in zip(rows, kinds, strict=True) if kind in filters.kinds]
        return rows

    def retrieve(self, query: str, filters: Filters | None = None, k: int = 10) -> list[Hit]:
        """The k best chunks for the query among those passing the filters."""
        filters = filters or Filters()
        allowed = self.allowed_rows(filters)
        if allowed is not None and not allowed:
            return []
        pool = max(self.options.pool, k)
        fused = self._fused_hits(query, allowed, pool, pool, chunk_filter(filters))
        spread = self._diversify([(h.row_id, h.score) for h in fused], k, spread=not filters.regions)
        by_row = {h.row_id: h for h in fused}
        return [by_row[row] for row, _ in spread]

    def chunk_scores(self, query: str, filters: Filters | None = None) -> ChunkScores:
        """Dense and BM25 scores of every chunk passing the filters (BM25 only where a term matched)."""
        filters = filters or Filters()
        allowed = self.allowed_rows(filters)
        if not len(self.index.chunks) or (allowed is not None and not allowed):
            return ChunkScores(RowScores.empty(), RowScores.empty())
        where = chunk_filter(filters)
        return ChunkScores(self.index.dense_scores(self.index.embed_query(query), allowed, where),
                           self.index.bm25_scores(query, allowed, where))

    def hits_for(self, rows: Sequence[int], scores: Mapping[int, float] | None = None) -> list[Hit]:
        """Hits for chunk rows, scored as given (0 otherwise)."""
        scores = scores or {}
        return self._hits([(row, scores.get(row, 0.0), None, None) for row in rows])

    def fused(self, query: str, filters: Filters | None = None, k: int = 10) -> list[Ranked]:
        """The fused ranking itself (what `reportqa search` shows and `retrieve` diversifies)."""
        filters = filters or Filters()
        allowed = self.allowed_rows(filters)
        if allowed is not None and not allowed:
            return []
        pool = max(self.options.pool, k)
        where = chunk_filter(filters)
        dense_hits = self.index.dense_search(self.index.embed_query(query), pool, allowed, where)
        bm25_hits = self.index.bm25_search(query, pool, allowed, where)
        return [Ranked(row, score) for row, score in self._fuse(dense_hits, bm25_hits)][:k]

    def per_report(self, query: str, filters: Filters | None = None, per_report: int = 3) -> dict[str, list[Hit]]:
        """Each report's best chunks for the query: complete lists need every report, not a global top-k."""
        filters = filters or Filters()
        allowed = self.allowed_rows(filters)
        rows = list(self.index.chunks) if allowed is None else allowed
        if not rows:
            return {}
        kept: dict[str, list[_Scored]] = defaultdict(list)
        fused = self._fused_rows(query, allowed, min(len(rows), 200), len(rows), chunk_filter(filters))
        for scored, source in zip(fused, self.index.chunks.sources([s[0] for s in fused]), strict=True):
            if len(kept[source]) < per_report:  # only the kept chunks are read
                kept[source].append(scored)
        return {source: self._hits(scored) for source, scored in kept.items()}

    def _fused_hits(self, query: str, allowed: Sequence[int] | None, dense_k: int, bm25_k: int,
                    where: ChunkFilter | None = None) -> list[Hit]:
        """Dense and BM25 rankings of the allowed rows, fused, as hits carrying all three scores.

        where states the same restriction as metadata, for stores that filter by expression (Milvus).
        """
        return self._hits(self._fused_rows(query, allowed, dense_k, bm25_k, where))

    def _fused_rows(self, query: str, allowed: Sequence[int] | None, dense_k: int, bm25_k: int,
                    where: ChunkFilter | None) -> list[_Scored]:
        """What _fused_hits returns, before any chunk is read: (row, fused, dense, BM25 score)."""
        dense_hits = self.index.dense_search(self.index.embed_query(query), dense_k, allowed, where)
        bm25_hits = self.index.bm25_search(query, bm25_k, allowed, where)
        dense_scores, bm25_scores = dict(dense_hits), dict(bm25_hits)
        return [(row, score, dense_scores.get(row), bm25_scores.get(row))
                for row, score in self._fuse(dense_hits, bm25_hits)]

    def hit_at(self, source: str, offset: int) -> Hit | None:
        """The chunk of a report that holds a character offset."""
        row = self.index.chunks.row_at(source, offset)
        return None if row is None else self._hit(row, 0.0, None, None)

    def hits_at(self, places: Sequence[tuple[str, int]]) -> list[Hit | None]:
        """hit_at for each (report, offset), the chunks read in one query."""
        rows = [self.index.chunks.row_at(source, offset) for source, offset in places]
        found = iter(self._hits([(row, 0.0, None, None) for row in rows if row is not None]))
        return [None if row is None else next(found) for row in rows]

    def containing(self, phrases: Sequence[str], filters: Filters | None = None) -> dict[str, list[Hit]]:
        """Every chunk whose normalised text contains all the phrases, by report: exact mentions, none missed."""
        if not phrases:
            return {}
        allowed = self.allowed_rows(filters or Filters())
        rows = list(self.index.chunks) if allowed is None else allowed
        normalized = self._normalized_texts()
        out: dict[str, list[Hit]] = defaultdict(list)
        for row in rows:
            if all(p in normalized[row] for p in phrases):
                out[self.index.chunks[row].chunk.source].append(self._hit(row, 0.0, None, None))
        return dict(out)

    def _normalized_texts(self) -> dict[int, str]:
        if self._normalized is None:  # built on first use: most questions never need it
            self._normalized = {row: normalize_for_search(item.chunk.text) for row, item in self.index.chunks.items()}
        return self._normalized

    def _fuse(self, dense_hits: Sequence[tuple[int, float]],
              bm25_hits: Sequence[tuple[int, float]]) -> list[tuple[int, float]]:
        if self.options.fusion == "rrf":
            return reciprocal_rank_fusion([dense_hits, bm25_hits])
        return convex_fusion(dense_hits, bm25_hits, self.options.dense_weight)

    def _diversify(self, fused: list[tuple[int, float]], k: int, spread: bool) -> list[tuple[int, float]]:
        """Cap each report's share of the top-k so one long report cannot crowd out the others."""
        if not spread:
            return fused[:k]
        cap = max(1, math.ceil(k * self.options.max_share_per_report))
        taken: list[tuple[int, float]] = []
        deferred: list[tuple[int, float]] = []
        counts: dict[str, int] = defaultdict(int)
        for (row, score), source in zip(fused, self.index.chunks.sources([row for row, _ in fused]), strict=True):
            if counts[source] < cap:
                counts[source] += 1
                taken.append((row, score))
            else:
                deferred.append((row, score))
            if len(taken) == k:
                break
        return (taken + deferred)[:k]

    def _hit(self, row: int, score: float, dense_score: float | None, bm25_score: float | None) -> Hit:
        return self._hits([(row, score, dense_score, bm25_score)])[0]

    def _hits(self, scored: Sequence[_Scored]) -> list[Hit]:
        """Hits for (row, score, dense score, BM25 score), their chunks read together."""
        items = self.index.chunks.many([row for row, *_ in scored])
        return [Hit(row, item.chunk, item.meta, score, dense, bm25)
                for (row, score, dense, bm25), item in zip(scored, items, strict=True)]


def chunk_filter(filters: Filters) -> ChunkFilter | None:
    """The filters as the index layer states them (None when nothing is filtered)."""
    if filters.is_empty():
        return None
    return ChunkFilter(filters.regions, filters.years, filters.kinds, filters.issuing_bodies)


def convex_fusion(dense_hits: Sequence[tuple[int, float]], bm25_hits: Sequence[tuple[int, float]],
                  dense_weight: float) -> list[tuple[int, float]]:
    """dense_weight * minmax(dense) + (1 - dense_weight) * minmax(bm25), best first."""
    def normalised(hits: Sequence[tuple[int, float]]) -> dict[int, float]:
        if not hits:
            return {}
        scores = np.array([s for _, s in hits], dtype=np.float64)
        low, span = scores.min(), float(np.ptp(scores)) or 1.0
        return {row: (s - low) / span for row, s in hits}

    dense_n, bm25_n = normalised(dense_hits), normalised(bm25_hits)
    rows = set(dense_n) | set(bm25_n)
    fused = {r: dense_weight * dense_n.get(r, 0.0) + (1 - dense_weight) * bm25_n.get(r, 0.0) for r in rows}
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))
