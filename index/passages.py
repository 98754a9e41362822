"""A chunk's passage (what is embedded and BM25-indexed) and the hash that keys its vector in the cache."""

from __future__ import annotations

import hashlib

from corpus.types import Chunk, ReportMeta


def passage_text(chunk: Chunk, meta: ReportMeta) -> str:
    """What is embedded and BM25-indexed for a chunk: a context line, then the chunk's own text."""
    section = chunk.section_path.rsplit(" › ", 1)[-1] if chunk.section_path else ""
    context = " ".join(filter(None, [meta.title, section]))
    return f"{context}\n{chunk.text}"


def text_hash(text: str) -> str:
    """Content hash used as the embedding cache key."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
