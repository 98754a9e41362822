"""Fusion checked against hand-computed scores."""

from __future__ import annotations

import pytest

from retriever.fusion import reciprocal_rank_fusion
from retriever.hybrid import convex_fusion


def test_rrf_matches_hand_computation() -> None:
    dense = [(1, 0.9), (2, 0.8), (3, 0.1)]
    bm25 = [(3, 12.0), (1, 4.0)]
    fused = dict(reciprocal_rank_fusion([dense, bm25], k=60))
    assert fused[1] == pytest.approx(1 / 61 + 1 / 62)
    assert fused[2] == pytest.approx(1 / 62)
    assert fused[3] == pytest.approx(1 / 63 + 1 / 61)
    assert [r for r, _ in reciprocal_rank_fusion([dense, bm25], k=60)] == [1, 3, 2]


def test_convex_matches_hand_computation() -> None:
    dense = [(1, 0.9), (2, 0.7), (3, 0.5)]   # min-max: 1.0, 0.5, 0.0
    bm25 = [(3, 10.0), (1, 6.0), (4, 2.0)]   # min-max: 1.0, 0.5, 0.0
    fused = dict(convex_fusion(dense, bm25, dense_weight=0.3))
    assert fused[1] == pytest.approx(0.3 * 1.0 + 0.7 * 0.5)
    assert fused[2] == pytest.approx(0.3 * 0.5)
    assert fused[3] == pytest.approx(0.7 * 1.0)
    assert fused[4] == pytest.approx(0.0)
    assert [r for r, _ in convex_fusion(dense, bm25, 0.3)][:2] == [3, 1]
    assert convex_fusion([], [], 0.5) == []
