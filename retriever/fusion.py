"""Rank fusion of dense and BM25 result lists."""

from __future__ import annotations

from collections.abc import Sequence

RRF_K = 60


def reciprocal_rank_fusion(rankings: Sequence[Sequence[tuple[int, float]]], weights: Sequence[float] | None = None,
                           k: int = RRF_K) -> list[tuple[int, float]]:
    """Sum of weight / (k + rank) over the rankings each id appears in (rank from 1), best first."""
    weights = weights or [1.0] * len(rankings)
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, (row_id, _score) in enumerate(ranking, start=1):
            fused[row_id] = fused.get(row_id, 0.0) + weight / (k + rank)
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))
