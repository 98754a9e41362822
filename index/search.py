"""Opening an index version for reading: dense and BM25 search over stored chunks."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from corpus.types import Report
from index import dense, sparse
from index.analysis import make_bm25_tokenizer
from index.chunk_view import ChunkView
from index.embedders import Embedder
from index.figures import FIGURES_FILE, FigureStore
from index.layout import IndexLayout, IndexNotFoundError, Manifest, UnusableIndexError
from index.row_file import RowFile
from index.store import ChunkStore
from index.stores import StoreSpec
from index.types import ChunkFilter, RowScores
from index.units import UnitIndex

UNIT_VECTORS = "unit_vectors.npy"  # written by index.build once every unit has its vector

QUERY_CACHE = 256
PRODUCTS_CACHE = 4  # a question's dense scores of every chunk (0.7 MB each at 46,000 chunks)


class SearchIndex:
    """A loaded, read-only index version; safe to share between threads for searching."""

    def __init__(self, folder: Path, manifest: Manifest, embedder: Embedder) -> None:
        self.folder = folder
        self.manifest = manifest
        self.embedder = embedder
        self.tokenizer = make_bm25_tokenizer(manifest.bm25_tokenizer)
        self._store = ChunkStore(folder / "chunks.sqlite", readonly=True)
        self.chunks = ChunkView(self._store)
        self._open_search(folder)
        self._reports: dict[str, Report] = {}
        self._query_vectors: dict[str, np.ndarray] = {}
        self._dense_products: dict[tuple[bytes, bytes | None], tuple[np.ndarray, np.ndarray]] = {}
        self._query_lock = threading.Lock()
        self._page_starts: dict[str, tuple[int, ...]] = {}
        self.units = UnitIndex.load(folder)
        vectors = folder / UNIT_VECTORS
        # float16, read with pread: only the rows a question scores are read, and none is kept mapped.
        self.unit_vectors: RowFile | None = RowFile(vectors) if vectors.exists() else None
        # A version built before figures were extracted has none until its next update.
        self.figures = FigureStore(folder / FIGURES_FILE, readonly=True) if (folder / FIGURES_FILE).exists() else None


    @property
    def pending_vectors(self) -> int:
        """Chunk and unit vectors still being embedded (0 once the index is complete)."""
        return self.manifest.pending_vectors

    def _open_search(self, folder: Path) -> None:
        """Load the FAISS and bm25s files of this version."""
        self._dense: Any = dense.load(folder / "dense.faiss")
        self._bm25, self._bm25_rows = sparse.load(folder / "bm25")
        self._position = {int(row): i for i, row in enumerate(self._bm25_rows)}

    @classmethod
    def open(cls, index_dir: Path, embedder: Embedder, store: StoreSpec | None = None) -> SearchIndex:
        """Open the live version of the index in the given store (local files by default).

        Clear errors for a missing, damaged or incompatible index.
        """
        store = store or StoreSpec()
        if store.kind == "milvus" and cls is SearchIndex:
            from index.milvus_search import MilvusSearchIndex

            return MilvusSearchIndex.open_in(index_dir, embedder, store)
        return cls._open_live(index_dir, embedder, store)

    @classmethod
    def _open_live(cls, index_dir: Path, embedder: Embedder, store: StoreSpec,
                   **extra: Any) -> SearchIndex:
        layout = IndexLayout(store.folder(index_dir))
        for _attempt in range(3):  # a writer may swap versions between reading CURRENT and opening
            live = layout.live_version()
            if live is None:
                raise IndexNotFoundError(f"no index at {index_dir}. Build one: reportqa index PATH... "
                                         f"--index {index_dir}")
            manifest = layout.read_manifest(live)
            wanted = Manifest.for_build(embedder, manifest.dense_kind, manifest.bm25_tokenizer,
                                        manifest.chunk_tokens, store.kind)
            manifest.ensure_compatible(wanted, index_dir)
            try:
                return cls(live, manifest, embedder, **extra)
            except FileNotFoundError:
                continue
        raise UnusableIndexError(f"the index at {index_dir} kept changing while it was opened; try again")

    def close(self) -> None:
        """Release the chunk store, the unit vectors and the figure table."""
        self._store.close()
        if self.unit_vectors is not None:
            self.unit_vectors.close()
        if self.figures is not None:
            self.figures.close()

    def __len__(self) -> int:
        return len(self.chunks)

    def report(self, source: str) -> Report | None:
        """A report's canonical text and sections (cached after the first read)."""
        if source not in self._reports:
            report = self._store.report(source)
            if report is None:
                return None
            self._reports[source] = report
        return self._reports[source]

    def page_starts(self, sources: Sequence[str]) -> dict[str, tuple[int, ...]]:
        """Where these reports' pages start in their texts (empty without pages; unknown reports left out),
        kept once read: reading whole reports for it cost a list answer over 555 reports 0.1 s."""
        with self._query_lock:
            missing = [s for s in sources if s not in self._page_starts]
        found = self._store.page_starts(missing) if missing else {}
        with self._query_lock:
            self._page_starts.update(found)
            return {s: self._page_starts[s] for s in sources if s in self._page_starts}

    def report_text(self, source: str) -> str | None:
        """A report's canonical text, or None for an unknown file name (what gold validation and scoring need)."""
        report = self.report(source)
        return report.text if report else None

    def sources(self) -> list[str]:
        """File names of every indexed report."""
        return self._store.sources()

    def embed_query(self, query: str) -> np.ndarray:
        """The query vector (the last few are kept: one answer asks for the same query several times)."""
        with self._query_lock:
            cached = self._query_vectors.get(query)
        if cached is not None:
            return cached
        vector = self.embedder.embed_queries([query])[0]
        with self._query_lock:
            self._query_vectors[query] = vector
            while len(self._query_vectors) > QUERY_CACHE:
                self._query_vectors.pop(next(iter(self._query_vectors)))
        return vector

    def dense_search(self, query_vector: np.ndarray, k: int, allowed_rows: Sequence[int] | None = None,
                     where: ChunkFilter | None = None) -> list[tuple[int, float]]:
        """Top-k chunks by cosine similarity: (row id, score).

        allowed_rows restricts the search; where is the same restriction as metadata, for stores that
        filter by expression (this one uses the rows).
        """
        allowed = None if allowed_rows is None else np.asarray(allowed_rows, dtype=np.int64)
        if not dense.is_exact(self._dense):
            return dense.search(self._dense, query_vector, k, allowed)
        return dense.top_k(*self._products(query_vector, allowed), k) if k > 0 else []

    def dense_scores(self, query_vector: np.ndarray, allowed_rows: Sequence[int] | None = None,
                     where: ChunkFilter | None = None) -> RowScores:
        """Cosine similarity of every chunk (or every allowed one) that has a vector, unranked."""
        allowed = None if allowed_rows is None else np.asarray(allowed_rows, dtype=np.int64)
        if not dense.is_exact(self._dense):
            return RowScores(*dense.all_scores(self._dense, query_vector, allowed))
        return RowScores(*self._products(query_vector, allowed))

    def _products(self, query_vector: np.ndarray, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """dense.all_scores of an exact index, the last few kept: an answer scores every chunk for its question
        and then ranks the same chunks for its passages."""
        key = (query_vector.tobytes(), None if allowed is None else allowed.tobytes())
        with self._query_lock:
            cached = self._dense_products.get(key)
        if cached is not None:
            return cached
        products = dense.all_scores(self._dense, query_vector, allowed)
        with self._query_lock:
            self._dense_products[key] = products
            while len(self._dense_products) > PRODUCTS_CACHE:
                self._dense_products.pop(next(iter(self._dense_products)))
        return products

    def bm25_search(self, query: str, k: int, allowed_rows: Sequence[int] | None = None,
                    where: ChunkFilter | None = None) -> list[tuple[int, float]]:
        """Top-k chunks by BM25: (row id, score), only chunks sharing a term with the query."""
        return sparse.search(self._bm25, self._bm25_rows, self.tokenizer.tokenize(query), k,
                             self._bm25_mask(allowed_rows))

    def bm25_scores(self, query: str, allowed_rows: Sequence[int] | None = None,
                    where: ChunkFilter | None = None) -> RowScores:
        """BM25 of every chunk (or every allowed one) sharing a term with the query, unranked."""
        return RowScores(*sparse.all_scores(self._bm25, self._bm25_rows, self.tokenizer.tokenize(query),
                                            self._bm25_mask(allowed_rows)))

    def _bm25_mask(self, allowed_rows: Sequence[int] | None) -> np.ndarray | None:
        """The allowed rows as a mask over BM25's positions (None: every row)."""
        if allowed_rows is None:
            return None
        mask = np.zeros(len(self._bm25_rows), dtype=bool)
        mask[[self._position[r] for r in allowed_rows if r in self._position]] = True
        return mask
