"""Embedding cache keyed by model id and passage-text hash: unchanged chunks are never re-embedded."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np


class EmbeddingCache:
    """SQLite table of float32 vectors; transactions keep it consistent even if the process is killed."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=60)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (model_id TEXT NOT NULL, text_hash TEXT NOT NULL, "
                         "vector BLOB NOT NULL, PRIMARY KEY (model_id, text_hash))")

    def get_many(self, model_id: str, hashes: Iterable[str], dim: int) -> dict[str, np.ndarray]:
        """Cached vectors for the hashes that have one."""
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(wanted), 500):
            batch = wanted[start:start + 500]
            marks = ",".join("?" * len(batch))
            for text_hash, blob in self._db.execute(
                    f"SELECT text_hash, vector FROM vectors WHERE model_id = ? AND text_hash IN ({marks})",
                    [model_id, *batch]):
                vector = np.frombuffer(blob, dtype=np.float32)
                if vector.shape == (dim,):
                    found[text_hash] = vector
        return found

    def contains(self, model_id: str, hashes: Iterable[str]) -> set[str]:
        """The hashes that have a vector (without reading the vectors)."""
        wanted = list(dict.fromkeys(hashes))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            batch = wanted[start:start + 500]
            marks = ",".join("?" * len(batch))
            found.update(h for (h,) in self._db.execute(
                f"SELECT text_hash FROM vectors WHERE model_id = ? AND text_hash IN ({marks})", [model_id, *batch]))
        return found

    def put_many(self, model_id: str, hashes: Sequence[str], vectors: np.ndarray) -> None:
        """Store vectors (one transaction)."""
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                [(model_id, h, np.asarray(v, dtype=np.float32).tobytes())
                 for h, v in zip(hashes, vectors, strict=True)])

    def close(self) -> None:
        """Close the database."""
        self._db.close()
