"""Searching an index whose dense vectors and BM25 live in a Milvus collection.

Chunks, reports and evidence units stay in the index folder's small local files (what answering reads
verbatim); only the ranking over every chunk moves to Milvus.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index import milvus
from index.embedders import Embedder
from index.layout import Manifest, UnusableIndexError
from index.search import SearchIndex
from index.stores import StoreSpec
from index.types import ChunkFilter, RowScores

# Rows of a newer or killed update, not in this version's chunks, are skipped: a few more are asked for.
_SLACK = 16


class MilvusSearchIndex(SearchIndex):
    """A loaded index version searched in Milvus (Milvus Lite file or server)."""

    def __init__(self, folder: Path, manifest: Manifest, embedder: Embedder, spec: StoreSpec | None = None) -> None:
        self.store = spec or StoreSpec()
        super().__init__(folder, manifest, embedder)

    @classmethod
    def open_in(cls, index_dir: Path, embedder: Embedder, store: StoreSpec) -> MilvusSearchIndex:
        """Open the live version of a Milvus-backed index."""
        index = cls._open_live(index_dir, embedder, store, spec=store)
        assert isinstance(index, MilvusSearchIndex)
        return index

    def _open_search(self, folder: Path) -> None:
        self.collection = self.manifest.collection
        self._client: Any = milvus.connect(self.store)
        if not self._client.has_collection(self.collection):
            raise UnusableIndexError(f"the Milvus collection '{self.collection}' of the index at {folder} is missing "
                                     f"from {self.store.uri}. Rebuild it: reportqa index PATH... --store "
                                     f"milvus:{self.store.uri} --rebuild")
        if not milvus.has_terms(self._client, self.collection):
            raise UnusableIndexError(f"the Milvus collection '{self.collection}' of the index at {folder} was built "
                                     f"by an older reportqa (BM25 over raw text). Rebuild it: reportqa index "
                                     f"PATH... --store milvus:{self.store.uri} --rebuild")
        self._client.load_collection(self.collection)

    def close(self) -> None:
        """Release the chunk store and the Milvus connection."""
        super().close()
        self._client.close()

    def dense_search(self, query_vector: np.ndarray, k: int, allowed_rows: Sequence[int] | None = None,
                     where: ChunkFilter | None = None) -> list[tuple[int, float]]:
        """Top-k chunks by inner product, filtered in Milvus by the metadata expression (or the rows)."""
        return self._search(lambda limit, expression: milvus.dense_search(
            self._client, self.collection, query_vector, limit, expression), k, allowed_rows, where)

    def bm25_search(self, query: str, k: int, allowed_rows: Sequence[int] | None = None,
                    where: ChunkFilter | None = None) -> list[tuple[int, float]]:
        """Top-k chunks by Milvus' BM25 over the same query terms as the local store's."""
        terms = self.tokenizer.tokenize(query)
        return self._search(lambda limit, expression: milvus.bm25_search(
            self._client, self.collection, terms, limit, expression), k, allowed_rows, where)

    def dense_scores(self, query_vector: np.ndarray, allowed_rows: Sequence[int] | None = None,
                     where: ChunkFilter | None = None) -> RowScores:
        """Inner product of every allowed chunk, as Milvus ranks them all."""
        total = len(self.chunks) if allowed_rows is None else len(allowed_rows)
        return RowScores.of(self.dense_search(query_vector, total, allowed_rows, where))

    def bm25_scores(self, query: str, allowed_rows: Sequence[int] | None = None,
                    where: ChunkFilter | None = None) -> RowScores:
        """BM25 of every allowed chunk sharing a term with the query, as Milvus ranks them all."""
        total = len(self.chunks) if allowed_rows is None else len(allowed_rows)
        return RowScores.of(self.bm25_search(query, total, allowed_rows, where))

    def _search(self, run: Callable[[int, str], list[tuple[int, float]]], k: int,
                allowed_rows: Sequence[int] | None, where: ChunkFilter | None) -> list[tuple[int, float]]:
        """One Milvus search (run with a limit and a filter expression), cut to this version's own top k."""
        if k <= 0 or not self.chunks:
            return []
        expression = self._expression(allowed_rows, where)
        if expression is None:
            return []
        return self._own(run(k + _SLACK, expression), allowed_rows)[:k]

    def _expression(self, allowed_rows: Sequence[int] | None, where: ChunkFilter | None) -> str | None:
        """The Milvus filter: the metadata expression when given, else the allowed rows; None if nothing passes."""
        if where is not None:
            return milvus.filter_expression(where)
        if allowed_rows is None:
            return ""
        if not len(allowed_rows):
            return None
        return f"row_id in [{', '.join(str(int(r)) for r in allowed_rows)}]"

    def _own(self, hits: list[tuple[int, float]], allowed_rows: Sequence[int] | None) -> list[tuple[int, float]]:
        allowed = None if allowed_rows is None else set(allowed_rows)
        return [(row, score) for row, score in hits
                if row in self.chunks and (allowed is None or row in allowed)]
