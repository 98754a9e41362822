"""Converted models on disk: built once per key into a staging folder, renamed into place, verified on load.

A folder under the models directory is usable only when its `manifest.json` lists every file with
the SHA-256 it had when written and the files still match: a half-written or damaged model is never
loaded, it is moved aside and built again. Builders take a per-key lock, so a second process waits
for the first one's conversion and then reuses it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

MANIFEST = "manifest.json"


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read in pieces."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for piece in iter(lambda: handle.read(1 << 22), b""):
            digest.update(piece)
    return digest.hexdigest()


def default_data_dir() -> Path:
    """~/.local/share/reportqa, or $XDG_DATA_HOME/reportqa when set."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "reportqa"


def default_models_dir() -> Path:
    """Where converted models are cached by default."""
    return default_data_dir() / "models"


@dataclass(frozen=True, slots=True)
class CachedFolder:
    """A verified model folder, and whether this call had to build it."""

    folder: Path
    built: bool


def cached_folder(models_dir: Path, key: str, build: Callable[[Path], None]) -> CachedFolder:
    """The verified folder models_dir/key, built with build(staging folder) when missing or damaged."""
    folder = models_dir / key
    if is_intact(folder):
        return CachedFolder(folder, built=False)
    models_dir.mkdir(parents=True, exist_ok=True)
    with _lock(models_dir / f".{key}.lock"):
        if is_intact(folder):  # another process built it while this one waited
            return CachedFolder(folder, built=False)
        if folder.exists():
            _discard(folder)
        staging = Path(tempfile.mkdtemp(prefix=f".{key}.staging-", dir=models_dir))
        try:
            build(staging)
            _write_manifest(staging)
            _fsync(staging)
            os.rename(staging, folder)
            _fsync(models_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return CachedFolder(folder, built=True)


def is_intact(folder: Path) -> bool:
    """Whether every file the folder's manifest lists is there with its recorded size and SHA-256."""
    try:
        listed = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
        return bool(listed) and all(
            (folder / name).stat().st_size == entry["bytes"] and file_sha256(folder / name) == entry["sha256"]
            for name, entry in listed.items())
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _write_manifest(folder: Path) -> None:
    files = {path.name: {"bytes": path.stat().st_size, "sha256": file_sha256(path)}
             for path in sorted(folder.iterdir()) if path.is_file()}
    (folder / MANIFEST).write_text(json.dumps({"files": files}, indent=2), encoding="utf-8")


def _fsync(folder: Path) -> None:
    """Flush the folder's files and the folder itself, so the rename never publishes unwritten data."""
    for path in [*folder.iterdir(), folder]:
        if path.is_file() or path == folder:
            descriptor = os.open(path, os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)


def _discard(folder: Path) -> None:
    """Move a damaged folder out of the way in one step, then delete it."""
    aside = Path(tempfile.mkdtemp(prefix=f".{folder.name}.damaged-", dir=folder.parent))
    os.rename(folder, aside / folder.name)
    shutil.rmtree(aside, ignore_errors=True)


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
