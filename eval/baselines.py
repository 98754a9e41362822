"""Baselines run beside the system on the same questions: the common LangChain recipe, BM25 only, dense only.

Each baseline answers with its top passage (quoted as the one citation) and never abstains, which
is what those recipes do.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from eval.metrics import GoldQuestion
from eval.run import AskFunction
from index import dense
from index.build import text_hash
from index.cache import EmbeddingCache
from index.search import SearchIndex


@dataclass(frozen=True, slots=True)
class Split:
    """A piece of a report cut by a character splitter."""

    source: str
    start: int
    text: str


def _answer(question: GoldQuestion, ranked: Sequence[tuple[Split, float]], meta: dict[str, Any],
            started: float) -> dict[str, Any]:
    top = ranked[0][0] if ranked else None
    citations = []
    if top is not None:
        info = meta.get(top.source, {})
        citations.append({"n": 1, "source": top.source, "title": info.get("title"), "region": info.get("region"),
                          "year": info.get("year"), "section": "", "quote": top.text, "start": top.start,
                          "end": top.start + len(top.text)})
    return {"id": question.id, "question": question.question,
            "answer": f"{top.text}[1]" if top else "", "answerable": top is not None, "citations": citations,
            "passages": [{"source": s.source, "section": "", "text": s.text, "score": round(score, 5)}
                         for s, score in ranked],
            "timings_ms": {"total": (time.perf_counter() - started) * 1000}}


def _metas(index: SearchIndex) -> dict[str, dict[str, Any]]:
    return {item.chunk.source: {"title": item.meta.title, "region": item.meta.region, "year": item.meta.year}
            for item in index.chunks.values()}


def langchain_recipe(index: SearchIndex, cache: EmbeddingCache | None = None, k: int = 5) -> AskFunction:
    """RecursiveCharacterTextSplitter(500, 50) over each report, the same embedder, FAISS top-k."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50, add_start_index=True)
    splits: list[Split] = []
    for source in index.sources():
        report = index.report(source)
        if report is None:
            continue
        for document in splitter.create_documents([report.text]):
            splits.append(Split(source, int(document.metadata["start_index"]), document.page_content))
    embedder = index.embedder
    hashes = [text_hash("langchain-recipe\n" + s.text) for s in splits]
    vectors = cache.get_many(embedder.model_id, hashes, embedder.dim) if cache else {}
    missing = [i for i, h in enumerate(hashes) if h not in vectors]
    for start in range(0, len(missing), 32):
        batch = missing[start:start + 32]
        encoded = embedder.embed_passages([splits[i].text for i in batch])
        if cache:
            cache.put_many(embedder.model_id, [hashes[i] for i in batch], encoded)
        vectors.update({hashes[i]: v for i, v in zip(batch, encoded, strict=True)})
    faiss_index = dense.new_index("flat", embedder.dim)
    if splits:
        dense.add(faiss_index, list(range(len(splits))), np.stack([vectors[h] for h in hashes]))
    meta = _metas(index)

    def ask(question: GoldQuestion) -> dict[str, Any]:
        started = time.perf_counter()
        hits = dense.search(faiss_index, embedder.embed_queries([question.question])[0], k)
        return _answer(question, [(splits[row], score) for row, score in hits], meta, started)

    return ask


def bm25_only(index: SearchIndex, k: int = 5) -> AskFunction:
    """Our chunks ranked by BM25 alone, no question analysis or filters."""
    meta = _metas(index)

    def ask(question: GoldQuestion) -> dict[str, Any]:
        started = time.perf_counter()
        hits = index.bm25_search(question.question, k)
        return _answer(question, [(_split(index, row), score) for row, score in hits], meta, started)

    return ask


def dense_only(index: SearchIndex, k: int = 5) -> AskFunction:
    """Our chunks ranked by embedding similarity alone, no question analysis or filters."""
    meta = _metas(index)

    def ask(question: GoldQuestion) -> dict[str, Any]:
        started = time.perf_counter()
        hits = index.dense_search(index.embed_query(question.question), k)
        return _answer(question, [(_split(index, row), score) for row, score in hits], meta, started)

    return ask


def _split(index: SearchIndex, row: int) -> Split:
    chunk = index.chunks[row].chunk
    return Split(chunk.source, chunk.start, chunk.text)
