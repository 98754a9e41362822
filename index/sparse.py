"""BM25 (bm25s) over stored chunk tokens, saved without pickle."""

from __future__ import annotations

import logging
from array import array
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

ROWS_FILE = "bm25_rows.npy"


def build(rows: Iterable[tuple[int, list[str]]]) -> tuple[Any, np.ndarray]:
    """A BM25 index over (row id, tokens) pairs read one at a time, and the row id of each position.

    Each chunk's tokens become a compact array of vocabulary ids as it is read, so a corpus of millions of
    tokens never sits in memory as Python strings (1000 reports: some 18 M tokens). Scores are those of
    bm25s' own indexing of the token strings; an empty chunk gets the empty token.
    """
    import bm25s

    vocab: dict[str, int] = {}
    ids: list[array] = []
    row_ids: list[int] = []
    for row_id, tokens in rows:
        ids.append(array("i", [vocab.setdefault(t, len(vocab)) for t in tokens or [""]]))
        row_ids.append(row_id)
    if not ids:
        ids.append(array("i", [vocab.setdefault("", len(vocab))]))
    # scipy turns the (chunk, term, score) triples into columns with one output copy; bm25s's own numpy builder
    # sorts 64-bit keys and peaks some 110 MB higher at 1000 reports. The arrays are the same.
    model = bm25s.BM25(csc_backend="scipy")
    model.index((ids, vocab), show_progress=False)
    model.scores["indptr"] = model.scores["indptr"].astype(np.int64)  # as the numpy builder saves it
    return model, np.asarray(row_ids, dtype=np.int64)


def save(model: Any, row_ids: np.ndarray, folder: Path) -> None:
    """bm25s's numpy/json files plus the row id of each position."""
    folder.mkdir(parents=True, exist_ok=True)
    model.save(str(folder), show_progress=False, allow_pickle=False)
    np.save(folder / ROWS_FILE, np.asarray(row_ids, dtype=np.int64), allow_pickle=False)


def load(folder: Path) -> tuple[Any, np.ndarray]:
    """Load a BM25 index and its row ids; no pickle is allowed.

    The score arrays are memory-mapped: a query reads only its terms' columns. A version's files are never
    rewritten (an update writes a new version), so the mapping stays valid.
    """
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    model = bm25s.BM25.load(str(folder), allow_pickle=False, show_progress=False, verbosity=0, mmap=True)
    return model, np.load(folder / ROWS_FILE, allow_pickle=False)


def search(model: Any, row_ids: np.ndarray, query_tokens: list[str], k: int,
           allowed_mask: np.ndarray | None = None) -> list[tuple[int, float]]:
    """Top-k (row id, BM25 score) with a positive score, optionally restricted by a position mask."""
    known = [t for t in query_tokens if t in model.vocab_dict]
    if not known or len(row_ids) == 0:
        return []
    scores = model.get_scores(known)
    if allowed_mask is not None:
        scores = np.where(allowed_mask, scores, 0.0)
    k = min(k, len(scores))
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(int(row_ids[i]), float(scores[i])) for i in top if scores[i] > 0]


def all_scores(model: Any, row_ids: np.ndarray, query_tokens: list[str],
               allowed_mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Every row with a positive BM25 score (optionally only where the position mask allows): (row ids, scores),
    unordered."""
    known = [t for t in query_tokens if t in model.vocab_dict]
    if not known or len(row_ids) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    scores = model.get_scores(known)
    if allowed_mask is not None:
        scores = np.where(allowed_mask, scores, 0.0)
    positive = np.flatnonzero(scores > 0)
    return row_ids[positive].astype(np.int64), scores[positive].astype(np.float64)
