"""The store contract against a real Milvus server: runs only when REPORTQA_MILVUS_URI is set.

    docker compose -f deploy/milvus/docker-compose.yml up -d
    REPORTQA_MILVUS_URI=http://127.0.0.1:19530 REPORTQA_MILVUS_TOKEN=root:Milvus pytest -m milvus_server
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from index.build import update_index
from index.search import SearchIndex
from index.stores import parse_store
from retriever.analysis import Filters
from retriever.hybrid import HybridRetriever
from tests.fakes import SAMPLES, HashEmbedder, sample_corpus

pytestmark = [
    pytest.mark.milvus_server,
    pytest.mark.skipif(not os.environ.get("REPORTQA_MILVUS_URI"), reason="set REPORTQA_MILVUS_URI to a Milvus server"),
]


def test_index_update_filter_and_remove_on_a_server(tmp_path: Path) -> None:
    store = parse_store(f"milvus:{os.environ['REPORTQA_MILVUS_URI']}", os.environ.get("REPORTQA_MILVUS_TOKEN", ""))
    corpus, embedder = sample_corpus(tmp_path / "corpus", SAMPLES[:3]), HashEmbedder()
    update_index(tmp_path / "i", [corpus], embedder, store=store)
    index = SearchIndex.open(tmp_path / "i", embedder, store)
    try:
        retriever = HybridRetriever(index)
        hits = retriever.retrieve("调解", Filters(regions=(index.chunks[min(index.chunks)].meta.region or "",)), k=5)
        assert hits and len({h.meta.region for h in hits}) == 1
        (corpus / SAMPLES[1].name).unlink()
        shutil.copy(SAMPLES[3], corpus)
        update_index(tmp_path / "i", [corpus], embedder, store=store)
        after = SearchIndex.open(tmp_path / "i", embedder, store)
        found = after._client.query(after.collection, filter="row_id >= 0", output_fields=["row_id"], limit=16384)
        assert {int(r["row_id"]) for r in found} == set(after.chunks)
        assert after.bm25_search("调解", 5) and after.dense_search(after.embed_query("调解"), 5)
    finally:
        index._client.drop_collection(SearchIndex.open(tmp_path / "i", embedder, store).collection)
