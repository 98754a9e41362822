"""One contract for every store (local FAISS + bm25s files, Milvus Lite): updates, filters, crash safety."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from index.build import passage_text, update_index
from index.layout import IndexLayout, UnusableIndexError
from index.search import SearchIndex
from index.stores import StoreSpec, parse_store
from retriever.analysis import Filters
from retriever.hybrid import HybridRetriever
from tests.fakes import SAMPLES, HashEmbedder, sample_corpus


@pytest.fixture(params=["local", "milvus"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> StoreSpec:
    if request.param == "local":
        return StoreSpec()
    pytest.importorskip("milvus_lite", reason="the Milvus store needs the 'milvus' extra")
    return parse_store(f"milvus:{tmp_path / 'milvus.db'}")


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    return sample_corpus(tmp_path / "corpus", SAMPLES[:3])


def stored_rows(index: SearchIndex) -> set[int]:
    """Row ids the store's own search structures hold (FAISS and bm25s, or the Milvus collection)."""
    if index.manifest.store == "milvus":
        found = index._client.query(index.collection, filter="row_id >= 0", output_fields=["row_id"], limit=16384)
        return {int(r["row_id"]) for r in found}
    import faiss

    dense_rows = set(faiss.vector_to_array(index._dense.id_map).tolist())
    assert dense_rows == set(index._bm25_rows.tolist())
    return dense_rows


def texts_by_source(index: SearchIndex) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in sorted(index.chunks):
        out.setdefault(index.chunks[row].chunk.source, []).append(index.chunks[row].chunk.text)
    return out


def test_add_change_remove_update_exactly_their_chunks(tmp_path: Path, corpus: Path, store: StoreSpec) -> None:
    index_dir, embedder = tmp_path / "index", HashEmbedder()
    first = update_index(index_dir, [corpus], embedder, store=store)
    assert len(first.added) == 3 and first.embedded == first.chunks
    before = SearchIndex.open(index_dir, embedder, store)
    assert stored_rows(before) == set(before.chunks)

    shutil.copy(SAMPLES[3], corpus)
    changed = corpus / SAMPLES[0].name
    changed.write_text(changed.read_text(encoding="utf-8").replace("调解案件5017件", "调解案件6000件"),
                       encoding="utf-8")
    (corpus / SAMPLES[1].name).unlink()
    summary = update_index(index_dir, [corpus], embedder, store=store)
    assert summary.added == (SAMPLES[3].name,) and summary.changed == (SAMPLES[0].name,)
    assert summary.removed == (SAMPLES[1].name,) and summary.embedded == len(
        [c for c in SearchIndex.open(index_dir, embedder, store).chunks.values()
         if c.chunk.source == SAMPLES[3].name]) + 1

    after = SearchIndex.open(index_dir, embedder, store)
    assert stored_rows(after) == set(after.chunks)  # removed and replaced chunks are gone from search too
    assert set(texts_by_source(after)) == {SAMPLES[0].name, SAMPLES[2].name, SAMPLES[3].name}
    assert texts_by_source(after)[SAMPLES[2].name] == texts_by_source(before)[SAMPLES[2].name]
    top = after.bm25_search("调解案件6000件", 1)
    assert after.chunks[top[0][0]].chunk.source == SAMPLES[0].name
    assert set(before.chunks) & set(after.chunks) < set(before.chunks)


def test_dense_search_matches_brute_force(tmp_path: Path, corpus: Path, store: StoreSpec) -> None:
    embedder = HashEmbedder()
    update_index(tmp_path / "i", [corpus], embedder, store=store)
    index = SearchIndex.open(tmp_path / "i", embedder, store)
    rows = sorted(index.chunks)
    vectors = embedder.embed_passages([passage_text(index.chunks[r].chunk, index.chunks[r].meta) for r in rows])
    query = index.embed_query("法律援助案件")
    expected = [rows[i] for i in np.argsort(-(vectors @ query))[:5]]
    hits = index.dense_search(query, 5)
    assert [r for r, _ in hits] == expected
    assert np.allclose([s for _, s in hits], np.sort(vectors @ query)[::-1][:5], atol=1e-4)


@pytest.mark.parametrize("filters", [
    Filters(regions=("南安市",)), Filters(years=(2023,)), Filters(kinds=("存在问题",)),
    Filters(issuing_bodies=("司法局",)), Filters(regions=("南安市", "伊春市"), kinds=("工作安排",)),
])
def test_filters_hold_for_every_hit(tmp_path: Path, store: StoreSpec, filters: Filters) -> None:
    embedder = HashEmbedder()
    update_index(tmp_path / "i", [sample_corpus(tmp_path / "c", SAMPLES)], embedder, store=store)
    retriever = HybridRetriever(SearchIndex.open(tmp_path / "i", embedder, store))
    allowed = set(retriever.allowed_rows(filters) or ())
    assert allowed
    hits = retriever.retrieve("行政复议 调解 法治", filters, k=20)
    assert hits and {h.row_id for h in hits} <= allowed
    scores = retriever.chunk_scores("行政复议", filters)
    assert set(scores.dense.rows.tolist()) == allowed and len(scores.bm25) and set(scores.bm25.rows.tolist()) <= allowed


def test_a_failed_update_leaves_the_previous_index(tmp_path: Path, corpus: Path, store: StoreSpec,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    index_dir, embedder = tmp_path / "index", HashEmbedder()
    update_index(index_dir, [corpus], embedder, store=store)
    before = SearchIndex.open(index_dir, embedder, store)
    expected = texts_by_source(before)
    shutil.copy(SAMPLES[3], corpus)
    (corpus / SAMPLES[1].name).unlink()

    def killed(*_args: object) -> None:
        raise KeyboardInterrupt  # dies after the new rows went into the store, before the version is live

    with monkeypatch.context() as patch:
        patch.setattr(IndexLayout, "publish", killed)
        with pytest.raises(KeyboardInterrupt):
            update_index(index_dir, [corpus], embedder, store=store)
    survivor = SearchIndex.open(index_dir, embedder, store)
    assert texts_by_source(survivor) == expected
    assert {survivor.chunks[r].chunk.source for r, _ in survivor.bm25_search("调解", 50)} <= set(expected)
    assert {r for r, _ in survivor.dense_search(survivor.embed_query("调解"), 500)} == set(survivor.chunks)

    update_index(index_dir, [corpus], embedder, store=store)  # the next update finishes the job and tidies up
    after = SearchIndex.open(index_dir, embedder, store)
    assert set(texts_by_source(after)) == {SAMPLES[0].name, SAMPLES[2].name, SAMPLES[3].name}
    assert stored_rows(after) == set(after.chunks)


def test_milvus_update_killed_after_publishing_is_tidied_next_time(tmp_path: Path, corpus: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("milvus_lite", reason="the Milvus store needs the 'milvus' extra")
    from index.milvus_build import CollectionSync

    store, index_dir, embedder = parse_store(f"milvus:{tmp_path / 'm.db'}"), tmp_path / "index", HashEmbedder()
    update_index(index_dir, [corpus], embedder, store=store)
    (corpus / SAMPLES[1].name).unlink()

    def killed(*_args: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(CollectionSync, "finish", killed)
        with pytest.raises(KeyboardInterrupt):
            update_index(index_dir, [corpus], embedder, store=store)
    live = SearchIndex.open(index_dir, embedder, store)
    assert SAMPLES[1].name not in texts_by_source(live)
    assert stored_rows(live) > set(live.chunks)  # the removed report's rows are still in the collection...
    assert {r for r, _ in live.dense_search(live.embed_query("调解"), 500)} == set(live.chunks)  # ...but unseen
    shutil.copy(SAMPLES[3], corpus)
    update_index(index_dir, [corpus], embedder, store=store)
    after = SearchIndex.open(index_dir, embedder, store)
    assert stored_rows(after) == set(after.chunks)


def test_rebuild_replaces_the_collection(tmp_path: Path, corpus: Path) -> None:
    pytest.importorskip("milvus_lite", reason="the Milvus store needs the 'milvus' extra")
    store, embedder = parse_store(f"milvus:{tmp_path / 'm.db'}"), HashEmbedder()
    update_index(tmp_path / "i", [corpus], embedder, store=store)
    first = SearchIndex.open(tmp_path / "i", embedder, store).collection
    update_index(tmp_path / "i", [corpus], embedder, store=store, rebuild=True)
    index = SearchIndex.open(tmp_path / "i", embedder, store)
    assert index.collection != first and not index._client.has_collection(first)
    assert stored_rows(index) == set(index.chunks)
    # The local index of the same folder is untouched by the Milvus one, and vice versa.
    update_index(tmp_path / "i", [corpus], embedder)
    assert len(SearchIndex.open(tmp_path / "i", embedder)) == len(index)


def test_a_collection_from_an_older_build_asks_for_a_rebuild(tmp_path: Path, corpus: Path) -> None:
    """A collection whose BM25 field is the raw text (before the shared terms) is refused, naming the fix; the
    next update replaces it."""
    pytest.importorskip("milvus_lite", reason="the Milvus store needs the 'milvus' extra")
    from pymilvus import DataType

    store, embedder = parse_store(f"milvus:{tmp_path / 'm.db'}"), HashEmbedder()
    update_index(tmp_path / "i", [corpus], embedder, store=store)
    index = SearchIndex.open(tmp_path / "i", embedder, store)
    name, client = index.collection, index._client
    client.drop_collection(name)
    schema = client.create_schema(auto_id=False)
    schema.add_field("row_id", DataType.INT64, is_primary=True)
    schema.add_field("text", DataType.VARCHAR, max_length=1024)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=embedder.dim)
    params = client.prepare_index_params()
    params.add_index("dense", index_type="FLAT", metric_type="IP")
    client.create_collection(name, schema=schema, index_params=params)
    index.close()
    with pytest.raises(UnusableIndexError, match=r"older reportqa.*--rebuild"):
        SearchIndex.open(tmp_path / "i", embedder, store)
    # An update that changes a report fills a new collection and drops the old one (as --rebuild does).
    shutil.copy(SAMPLES[3], corpus)
    update_index(tmp_path / "i", [corpus], embedder, store=store)
    index = SearchIndex.open(tmp_path / "i", embedder, store)
    assert index.collection != name and not index._client.has_collection(name)
    assert stored_rows(index) == set(index.chunks)
