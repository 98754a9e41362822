"""Where an index's searchable vectors and BM25 live: local files (FAISS + bm25s) or a Milvus collection."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

STORE_KINDS = ("local", "milvus")


@dataclass(frozen=True, slots=True)
class StoreSpec:
    """A parsed `--store` value: 'local', or 'milvus:<uri>' with a Milvus Lite file or a server URL."""

    kind: str = "local"
    uri: str = ""
    token: str = ""  # a Milvus server's "user:password" or API key; empty for Milvus Lite

    @property
    def is_server(self) -> bool:
        """Whether the uri names a Milvus server rather than a Milvus Lite file."""
        return self.uri.startswith(("http://", "https://", "tcp://", "grpc://"))

    def folder(self, index_dir: Path) -> Path:
        """The index folder holding this store's chunk store, evidence units and manifests.

        A Milvus-backed index keeps those small local files beside the local index, in its own
        folder per uri, so both backends can be built from the same --index without clashing.
        """
        if self.kind == "local":
            return Path(index_dir)
        digest = hashlib.sha1(self.uri.encode("utf-8")).hexdigest()[:12]
        return Path(index_dir) / "stores" / f"milvus-{digest}"


def parse_store(text: str | None, token: str = "") -> StoreSpec:
    """A StoreSpec from 'local' or 'milvus:<uri>'; a Lite file path is made absolute so the folder is stable."""
    text = (text or "local").strip()
    if text == "local":
        return StoreSpec()
    kind, sep, uri = text.partition(":")
    if kind != "milvus" or not sep or not uri:
        raise ValueError(f"unknown store '{text}': use 'local' or 'milvus:<file.db or http://host:19530>'")
    spec = StoreSpec("milvus", uri, token)
    if not spec.is_server:
        spec = StoreSpec("milvus", str(Path(uri).expanduser().resolve()), token)
    return spec
