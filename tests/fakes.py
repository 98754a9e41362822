"""Test doubles that record their calls: a hash-seeded embedder."""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from corpus.ingest import samples_dir


class HashEmbedder:
    """Deterministic bag-of-character-bigrams vectors; records every text it embeds."""

    dim = 64
    max_tokens = 510

    def __init__(self, model_id: str = "fake:hash-bigrams", delay: float = 0.0) -> None:
        self.model_id = model_id
        self.delay = delay  # seconds per passage batch, to widen windows in crash tests
        self.passage_calls: list[list[str]] = []
        self.query_calls: list[list[str]] = []

    @property
    def passages_embedded(self) -> int:
        """How many passages were encoded so far."""
        return sum(len(batch) for batch in self.passage_calls)

    def count_tokens(self, text: str) -> int:
        """One token per character, like a character-level tokenizer."""
        return len(text)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Same map as passages: a query matches passages sharing its bigrams."""
        self.query_calls.append(list(texts))
        return self._vectors(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Records the batch, then encodes it."""
        self.passage_calls.append(list(texts))
        if self.delay:
            time.sleep(self.delay)
        return self._vectors(texts)

    def _vectors(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for i in range(len(text) - 1):
                bucket = int.from_bytes(hashlib.blake2b(text[i:i + 2].encode(), digest_size=4).digest(), "little")
                out[row, bucket % self.dim] += 1.0
            out[row, 0] += 1e-3  # no all-zero vector
        return out / np.linalg.norm(out, axis=1, keepdims=True)


SAMPLES = sorted(samples_dir().glob("*.txt"))


def sample_corpus(folder: Path, reports: Sequence[Path]) -> Path:
    """A corpus folder holding copies of the given sample reports."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in reports:
        shutil.copy(path, folder)
    return folder
