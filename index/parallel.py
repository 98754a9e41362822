"""Embedding on several worker processes, for bulk imports of large corpora."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from index.embedders import Embedder, make_embedder

_worker_embedder: Embedder | None = None


@dataclass(frozen=True, slots=True)
class EmbedWorkers:
    """How many processes embed passages, each loading the embedder named by spec (as `--embedder` takes it)."""

    spec: str
    count: int = 2


def embed_batches(embedder: Embedder, batches: Sequence[Sequence[str]],
                  workers: EmbedWorkers | None = None) -> Iterator[np.ndarray]:
    """Vectors of each batch, in order: in this process, or spread over worker processes."""
    if workers is None or workers.count <= 1 or len(batches) <= 1:
        for batch in batches:
            yield embedder.embed_passages(list(batch))
        return
    # spawn, not fork: the parent may hold threads (ONNX Runtime, gRPC) that a forked child would inherit broken.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers.count, mp_context=context, initializer=_load, initargs=(workers.spec,)) as pool:
        yield from pool.map(_embed, [list(b) for b in batches])


def _load(spec: str) -> None:
    global _worker_embedder
    _worker_embedder = make_embedder(spec)


def _embed(texts: list[str]) -> np.ndarray:
    assert _worker_embedder is not None
    return _worker_embedder.embed_passages(texts)
