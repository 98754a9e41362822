"""Keeping an index version's Milvus collection in step with its chunk store, crash-safely.

Readers only trust rows their version's chunk store holds, so an update can work in the live
collection: it inserts rows under fresh ids (never the live version's), publishes, and only then
deletes the rows the new version dropped. A killed update leaves extra rows that readers skip and the
next update deletes; a rebuild fills a new collection and drops the old one after publishing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from corpus.ingest import Progress
from index import milvus
from index.layout import Manifest
from index.milvus import ChunkRow
from index.store import ChunkStore
from index.stores import StoreSpec
from index.types import IndexedChunk

STALE_FILE = "milvus_stale.npy"  # rows to delete once this version is live (kept if the deletion was killed)


class CollectionSync:
    """One update's work on the Milvus side."""

    def __init__(self, spec: StoreSpec, folder: Path) -> None:
        self.client: Any = milvus.connect(spec)
        self.prefix = f"{milvus.COLLECTION_PREFIX}{hashlib.sha1(str(folder.resolve()).encode()).hexdigest()[:10]}_"
        self.collection = ""
        self.fresh = False

    def prepare(self, live: Path | None, live_manifest: Manifest | None, live_next_row: int, version: Path,
                dim: int, dense_kind: str) -> None:
        """Reuse the live collection, cleaned of a killed update's rows, or create a new one (also when the live
        one was written by an older build, with raw text where BM25 terms now go)."""
        name = live_manifest.collection if live_manifest else ""
        if live is not None and name and self.client.has_collection(name) and milvus.has_terms(self.client, name):
            self.collection = name
            stale = live / STALE_FILE
            if stale.exists():
                milvus.delete_rows(self.client, name, np.load(stale, allow_pickle=False).tolist())
            milvus.delete_from(self.client, name, live_next_row)
            return
        self.collection = self.prefix + version.name.replace("-", "_")
        self.fresh = True
        if self.client.has_collection(self.collection):
            self.client.drop_collection(self.collection)
        milvus.create_collection(self.client, self.collection, dim, dense_kind)

    def insert(self, store: ChunkStore, terms: dict[int, list[str]], vectors: dict[int, np.ndarray],
               progress: Progress | None) -> None:
        """Insert the given rows of the store in batches, each with its BM25 terms and vector."""
        chunks = [c for c in store.iter_chunks() if c.row_id in vectors]
        milvus.insert(self.client, self.collection, [_row(c, terms[c.row_id], vectors[c.row_id]) for c in chunks],
                      progress)
        self.client.flush(self.collection)

    def publish_stale(self, version: Path, stale_rows: Sequence[int]) -> None:
        """Record, inside the new version, the rows to delete once it is live."""
        if stale_rows and not self.fresh:
            np.save(version / STALE_FILE, np.asarray(stale_rows, dtype=np.int64), allow_pickle=False)

    def finish(self, version: Path) -> None:
        """After publishing: delete the dropped rows and the collections of earlier builds."""
        stale = version / STALE_FILE
        if stale.exists():
            milvus.delete_rows(self.client, self.collection, np.load(stale, allow_pickle=False).tolist())
            stale.unlink()
        milvus.drop_others(self.client, self.prefix, keep=self.collection)
        self.client.close()


def _row(item: IndexedChunk, terms: list[str], vector: np.ndarray) -> ChunkRow:
    meta = item.meta
    return ChunkRow(item.row_id, terms, vector, item.chunk.source,
                    meta.region or "", meta.year, item.chunk.section_kind or "", meta.issuing_body or "")
