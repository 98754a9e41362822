"""BM25 (bm25s) over stored chunk tokens, saved without pickle."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

ROWS_FILE = "bm25_rows.npy"


def build(tokens: list[list[str]]) -> Any:
    """A BM25 index over pre-tokenized chunks (position i is the i-th chunk)."""
    import bm25s

    model = bm25s.BM25()
    # An empty chunk list still needs a valid vocabulary; bm25s adds an empty token for that.
    model.index([t or [""] for t in tokens] or [[""]], show_progress=False)
    return model


def save(model: Any, row_ids: np.ndarray, folder: Path) -> None:
    """bm25s's numpy/json files plus the row id of each position."""
    folder.mkdir(parents=True, exist_ok=True)
    model.save(str(folder), show_progress=False, allow_pickle=False)
    np.save(folder / ROWS_FILE, np.asarray(row_ids, dtype=np.int64), allow_pickle=False)


def load(folder: Path) -> tuple[Any, np.ndarray]:
    """Load a BM25 index and its row ids; no pickle is allowed."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    model = bm25s.BM25.load(str(folder), allow_pickle=False, show_progress=False, verbosity=0)
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
