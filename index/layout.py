"""The index folder: versions, the atomic CURRENT pointer, the manifest and the writer lock."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from index.embedders import Embedder

SCHEMA_VERSION = 3  # 2: evidence units (units.npz, units.json); 3: their vectors, progressive indexing


class UnusableIndexError(Exception):
    """An index that cannot be used as it is; the message says how to fix it."""


class IndexNotFoundError(UnusableIndexError):
    """No index has been built at this folder yet."""


class IndexMismatchError(UnusableIndexError):
    """The index was built with another embedder, schema or chunking than configured."""


@dataclass(frozen=True, slots=True)
class Manifest:
    """What an index version holds and how it was built."""

    schema_version: int
    embedder_id: str
    embedder_dim: int
    bm25_tokenizer: str
    dense_kind: str
    chunk_tokens: int
    corpus_fingerprint: str = ""
    corpus_paths: tuple[str, ...] = ()  # the files and folders the index was built from
    reports: int = 0
    chunks: int = 0
    pending_vectors: int = 0  # chunk and unit vectors not yet embedded (the text stage is published first)
    created: str = ""
    store: str = "local"  # where dense and BM25 search run: "local" (FAISS + bm25s) or "milvus"
    collection: str = ""  # the Milvus collection holding this version's chunks

    @classmethod
    def for_build(cls, embedder: Embedder, dense_kind: str, bm25_tokenizer: str, chunk_tokens: int,
                  store: str = "local") -> Manifest:
        """The manifest an index built now with these settings would have."""
        return cls(SCHEMA_VERSION, embedder.model_id, embedder.dim, bm25_tokenizer, dense_kind, chunk_tokens,
                   store=store)

    def with_corpus(self, fingerprints: dict[str, str], chunks: int, paths: tuple[str, ...] = ()) -> Manifest:
        """This manifest completed with the corpus it describes."""
        digest = hashlib.sha256()
        for source in sorted(fingerprints):
            digest.update(f"{source}\0{fingerprints[source]}\n".encode())
        return replace(self, corpus_fingerprint=digest.hexdigest(), corpus_paths=paths, reports=len(fingerprints),
                       chunks=chunks,
                       created=time.strftime("%Y-%m-%dT%H:%M:%S%z"))

    def ensure_compatible(self, wanted: Manifest, index_dir: Path) -> None:
        """Raise IndexMismatchError, saying how to rebuild, if this index was built differently."""
        differences = [
            f"{name}: index has {getattr(self, name)!r}, settings ask for {getattr(wanted, name)!r}"
            for name in ("schema_version", "embedder_id", "embedder_dim", "bm25_tokenizer", "dense_kind",
                         "chunk_tokens", "store")
            if getattr(self, name) != getattr(wanted, name)
        ]
        if differences:
            raise IndexMismatchError(
                f"the index at {index_dir} was built differently ({'; '.join(differences)}). "
                f"Rebuild it: reportqa index PATH... --index {index_dir} --rebuild")


class IndexLayout:
    """Paths and atomic operations of one index folder."""

    def __init__(self, root: Path, cache_path: Path | None = None) -> None:
        self.root = Path(root)
        self.versions = self.root / "versions"
        self.current = self.root / "CURRENT"
        self.cache_path = cache_path or self.root / "embeddings.sqlite"
        self.lock_path = self.root / ".lock"

    def live_version(self) -> Path | None:
        """The folder of the version readers should open, or None before the first build."""
        try:
            name = self.current.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        folder = self.versions / name
        if not name or "/" in name or not (folder / "manifest.json").is_file():
            raise UnusableIndexError(f"the index at {self.root} is damaged (CURRENT names '{name}', which is missing). "
                              f"Rebuild it: reportqa index PATH... --index {self.root} --rebuild")
        return folder

    def read_manifest(self, version: Path) -> Manifest:
        """The manifest of a version folder."""
        data = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
        known = {k: v for k, v in data.items() if k in Manifest.__dataclass_fields__}
        known["corpus_paths"] = tuple(known.get("corpus_paths", ()))
        return Manifest(**known)

    def new_version(self) -> Path:
        """A fresh, empty version folder beside the live one; leftovers of killed builds are removed."""
        self.versions.mkdir(parents=True, exist_ok=True)
        self._remove_stale_versions(keep=self.live_version())
        folder = self.versions / f"v{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
        folder.mkdir()
        return folder

    def publish(self, version: Path, manifest: Manifest) -> None:
        """Write the manifest, flush everything to disk, then swap CURRENT to the new version."""
        (version / "manifest.json").write_text(json.dumps(asdict(manifest), ensure_ascii=False, indent=2),
                                               encoding="utf-8")
        for path in version.rglob("*"):
            if path.is_file():
                with open(path, "rb") as handle:
                    os.fsync(handle.fileno())
        _fsync_dir(version)
        pointer = self.root / f"CURRENT.{os.getpid()}.tmp"
        pointer.write_text(version.name + "\n", encoding="utf-8")
        with open(pointer, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(pointer, self.current)
        _fsync_dir(self.root)
        self._remove_stale_versions(keep=version)

    def _remove_stale_versions(self, keep: Path | None) -> None:
        if not self.versions.is_dir():
            return
        for folder in self.versions.iterdir():
            if keep is None or folder.name != keep.name:
                shutil.rmtree(folder, ignore_errors=True)
        for pointer in self.root.glob("CURRENT.*.tmp"):
            pointer.unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def writer_lock(layout: IndexLayout, timeout: float = 600.0) -> Iterator[None]:
    """One writer at a time per index folder; a second waits (then fails) instead of interleaving."""
    layout.root.mkdir(parents=True, exist_ok=True)
    with open(layout.lock_path, "a+") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise UnusableIndexError(f"another process is updating the index at {layout.root}") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
