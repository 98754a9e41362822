"""Side-by-side dense, BM25 and fused rankings of one query, for debugging and drafters."""

from __future__ import annotations

from typing import Any

from index.search import SearchIndex
from retriever.fusion import reciprocal_rank_fusion


def search_all_ways(index: SearchIndex, query: str, k: int = 10) -> list[dict[str, Any]]:
    """The fused top-k, each row with its dense and BM25 scores and ranks."""
    pool = max(50, k * 5)
    dense_hits = index.dense_search(index.embed_query(query), pool)
    bm25_hits = index.bm25_search(query, pool)
    dense_rank = {row: (rank, score) for rank, (row, score) in enumerate(dense_hits, start=1)}
    bm25_rank = {row: (rank, score) for rank, (row, score) in enumerate(bm25_hits, start=1)}
    rows = []
    for rank, (row_id, fused) in enumerate(reciprocal_rank_fusion([dense_hits, bm25_hits])[:k], start=1):
        item = index.chunks[row_id]
        rows.append({
            "rank": rank, "source": item.chunk.source, "region": item.meta.region, "year": item.meta.year,
            "section": item.chunk.section_path, "start": item.chunk.start, "end": item.chunk.end,
            "text": item.chunk.text, "fused": round(fused, 5),
            "dense": _score(dense_rank.get(row_id)), "bm25": _score(bm25_rank.get(row_id)),
        })
    return rows


def _score(found: tuple[int, float] | None) -> dict[str, float | int] | None:
    return None if found is None else {"rank": found[0], "score": round(found[1], 4)}
