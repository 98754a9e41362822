"""BM25 over stored chunk tokens: built and saved (without pickle) by bm25s, read back as its score columns."""

from __future__ import annotations

import json
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


class Bm25Columns:
    """A saved bm25s index read without bm25s: per term, the positions holding it and their BM25 scores.

    bm25s's import pulls in scipy.sparse, whose numpy compatibility layer imports numpy.f2py: 0.3 s of a 2 s
    cold start for a process that only adds up precomputed columns. Scores are bm25s's own (`get_scores`: the
    columns of the query's known terms added in query order, in float32), which the tests check.
    """

    def __init__(self, folder: Path) -> None:
        params = json.loads((folder / "params.index.json").read_text(encoding="utf-8"))
        if params.get("method") in _NONOCCURRENCE_METHODS:
            raise ValueError(f"BM25 variant {params['method']} at {folder} is not supported: rebuild the index")
        self.vocab_dict: dict[str, int] = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
        # Memory-mapped: a query reads only its terms' columns. A version's files are never rewritten (an update
        # writes a new version), so the mapping stays valid.
        self._data = np.load(folder / "data.csc.index.npy", mmap_mode="r", allow_pickle=False)
        self._indices = np.load(folder / "indices.csc.index.npy", mmap_mode="r", allow_pickle=False)
        self._indptr = np.load(folder / "indptr.csc.index.npy", mmap_mode="r", allow_pickle=False)
        self._dtype = np.dtype(params["dtype"])
        self._num_docs = int(params["num_docs"])

    def get_scores(self, tokens: list[str]) -> np.ndarray:
        """The BM25 score of every position for these tokens (unknown ones ignored; a repeated one counts again)."""
        scores = np.zeros(self._num_docs, dtype=self._dtype)
        for term in (self.vocab_dict[t] for t in tokens if t in self.vocab_dict):
            start, end = int(self._indptr[term]), int(self._indptr[term + 1])
            scores[self._indices[start:end]] += self._data[start:end]  # a column holds each position once
        return scores


_NONOCCURRENCE_METHODS = ("bm25l", "bm25+")  # these add a per-term constant that bm25s keeps apart


def load(folder: Path) -> tuple[Bm25Columns, np.ndarray]:
    """Load a BM25 index and its row ids; no pickle is allowed."""
    return Bm25Columns(folder), np.load(folder / ROWS_FILE, allow_pickle=False)


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
