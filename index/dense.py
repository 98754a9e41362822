"""FAISS inner-product indexes over normalised vectors, with chunk row ids."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

DENSE_KINDS = ("flat", "hnsw")
HNSW_NEIGHBOURS = 32


def new_index(kind: str, dim: int) -> Any:
    """An empty id-mapped index: exact ('flat') or approximate ('hnsw')."""
    import faiss

    if kind == "flat":
        return faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
    if kind == "hnsw":
        inner = faiss.IndexHNSWFlat(dim, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
        inner.hnsw.efConstruction = 80
        inner.hnsw.efSearch = 128
        return faiss.IndexIDMap2(inner)
    raise ValueError(f"unknown dense index kind '{kind}': use one of {', '.join(DENSE_KINDS)}")


def add(index: Any, row_ids: Sequence[int], vectors: np.ndarray) -> None:
    """Add vectors under their chunk row ids."""
    if len(row_ids):
        index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(row_ids, dtype=np.int64))


def remove(index: Any, row_ids: Sequence[int]) -> int:
    """Remove vectors by row id (exact indexes only); returns how many were removed."""
    import faiss

    if not len(row_ids):
        return 0
    return int(index.remove_ids(faiss.IDSelectorBatch(np.asarray(row_ids, dtype=np.int64))))


def supports_removal(kind: str) -> bool:
    """HNSW graphs cannot drop vectors; they are rebuilt instead."""
    return kind == "flat"


def save(index: Any, path: Path) -> None:
    """FAISS's own binary format: loading it executes nothing."""
    import faiss

    faiss.write_index(index, str(path))


def load(path: Path) -> Any:
    """Read an index written by `save`, for searching: an exact index's vectors are memory-mapped, not copied.

    A version's files are never rewritten (an update writes a new version), so the mapping stays valid.
    """
    import faiss

    return faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY)


def search(index: Any, query: np.ndarray, k: int, allowed_ids: np.ndarray | None = None) -> list[tuple[int, float]]:
    """Top-k (row id, inner product), optionally only among allowed row ids; equal scores by row id.

    An exact index ranks all_scores (the products alone cost half of FAISS's own search with a top-k heap
    as long as the index); an approximate one is searched by FAISS.
    """

    if index.ntotal == 0 or k <= 0 or (allowed_ids is not None and len(allowed_ids) == 0):
        return []
    if not is_exact(index):
        return _approximate_search(index, query, k, allowed_ids)
    return top_k(*all_scores(index, query, allowed_ids), k)


def is_exact(index: Any) -> bool:
    """Whether the index holds its vectors flat (every score exact), not in an approximate graph."""
    import faiss

    return isinstance(faiss.downcast_index(index.index), faiss.IndexFlat)


def top_k(ids: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The k best (id, score), best first, equal scores by id; only the best are sorted."""
    if k < len(ids):
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        kept = np.flatnonzero(scores >= kth)
        ids, scores = ids[kept], scores[kept]
    order = np.lexsort((ids, -scores))[:k]
    return list(zip(ids[order].tolist(), scores[order].tolist(), strict=True))


def _approximate_search(index: Any, query: np.ndarray, k: int,
                        allowed_ids: np.ndarray | None) -> list[tuple[int, float]]:
    """FAISS's search of an HNSW graph, with a selector for the allowed ids."""
    import faiss

    params = None
    if allowed_ids is not None:
        selector = faiss.IDSelectorBatch(np.asarray(allowed_ids, dtype=np.int64))
        # SWIG classes take keyword arguments the type stubs do not know about.
        params = faiss.SearchParametersHNSW(sel=selector, efSearch=256)  # type: ignore[attr-defined]
    scores, ids = index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32),
                               min(k, index.ntotal), params=params)
    return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i != -1]


def all_scores(index: Any, query: np.ndarray, allowed_ids: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Inner product of the query with every vector (or every allowed id that has one): (ids, scores), unordered.

    An exact index computes just the products (no top-k selection over the whole index, no Python loop);
    an approximate one returns what its search reaches.
    """
    import faiss

    if index.ntotal == 0 or (allowed_ids is not None and len(allowed_ids) == 0):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    inner = faiss.downcast_index(index.index)
    if not isinstance(inner, faiss.IndexFlat):
        hits = _approximate_search(index, query, index.ntotal, allowed_ids)
        return (np.fromiter((i for i, _ in hits), dtype=np.int64, count=len(hits)),
                np.fromiter((s for _, s in hits), dtype=np.float64, count=len(hits)))
    ids = faiss.vector_to_array(index.id_map).astype(np.int64, copy=False)
    if allowed_ids is None:
        positions = np.arange(len(ids), dtype=np.int64)
    else:
        order = None if bool(np.all(ids[1:] > ids[:-1])) else np.argsort(ids, kind="stable")
        ordered = ids if order is None else ids[order]
        at = np.searchsorted(ordered, allowed_ids)
        found = at < len(ordered)
        found[found] = ordered[at[found]] == allowed_ids[found]
        positions = at[found] if order is None else order[at[found]]
    if not len(positions):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    query_row = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
    labels = np.ascontiguousarray(positions.reshape(1, -1))
    products = np.empty((1, len(positions)), dtype=np.float32)
    # The SWIG method takes raw pointers; the type stubs do not list it.
    inner.compute_distance_subset(1, faiss.swig_ptr(query_row), len(positions),  # type: ignore[attr-defined]
                                  faiss.swig_ptr(products), faiss.swig_ptr(labels))
    return ids[positions], products[0].astype(np.float64)
