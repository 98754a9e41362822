"""Incremental, atomic index updates: exactly the changed reports are processed, crashes lose nothing."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from index.build import update_index
from index.layout import IndexLayout, IndexMismatchError, IndexNotFoundError
from index.search import SearchIndex
from tests.fakes import SAMPLES, HashEmbedder, sample_corpus

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    return sample_corpus(tmp_path / "corpus", SAMPLES[:3])


def _state(index_dir: Path, embedder: HashEmbedder) -> dict[str, list[str]]:
    index = SearchIndex.open(index_dir, embedder)
    try:
        by_source: dict[str, list[str]] = {}
        for item in index.chunks.values():
            by_source.setdefault(item.chunk.source, []).append(item.chunk.text)
        assert len(index.chunks) == len(index._bm25_rows)
        if index.pending_vectors == 0:  # a complete version: all three agree
            assert index._dense.ntotal == len(index.chunks)
        else:  # killed between the text stage and its vectors: the missing vectors are the ones pending
            assert 0 <= len(index.chunks) - index._dense.ntotal <= index.pending_vectors
        return by_source
    finally:
        index.close()


def test_add_change_remove_update_exactly_their_chunks(tmp_path: Path, corpus: Path) -> None:
    index_dir, embedder = tmp_path / "index", HashEmbedder()
    first = update_index(index_dir, [corpus], embedder)
    assert len(first.added) == 3 and first.embedded == first.chunks
    before = _state(index_dir, embedder)
    rows_before = {r: i.chunk.chunk_id for r, i in SearchIndex.open(index_dir, embedder).chunks.items()}

    shutil.copy(SAMPLES[3], corpus)                       # add
    changed = corpus / SAMPLES[0].name                     # change one sentence
    changed.write_text(changed.read_text(encoding="utf-8").replace("调解案件5017件", "调解案件6000件"),
                       encoding="utf-8")
    (corpus / SAMPLES[1].name).unlink()                    # remove
    summary = update_index(index_dir, [corpus], embedder)
    assert summary.added == (SAMPLES[3].name,) and summary.changed == (SAMPLES[0].name,)
    assert summary.removed == (SAMPLES[1].name,) and summary.unchanged == (SAMPLES[2].name,)

    after = _state(index_dir, embedder)
    assert set(after) == {SAMPLES[0].name, SAMPLES[2].name, SAMPLES[3].name}
    assert after[SAMPLES[2].name] == before[SAMPLES[2].name]
    assert any("调解案件6000件" in t for t in after[SAMPLES[0].name])
    rows_after = {r: i.chunk.chunk_id for r, i in SearchIndex.open(index_dir, embedder).chunks.items()}
    kept = {r for r, c in rows_before.items() if c.startswith(SAMPLES[2].name)}
    assert all(rows_after[r] == rows_before[r] for r in kept)   # untouched reports keep their rows
    # Only the changed report's one altered chunk and the added report's chunks were embedded.
    new_chunks = len(after[SAMPLES[3].name])
    assert summary.embedded == new_chunks + 1


def test_cache_prevents_re_embedding(tmp_path: Path, corpus: Path) -> None:
    embedder = HashEmbedder()
    update_index(tmp_path / "a", [corpus], embedder)
    embedded = embedder.passages_embedded
    assert update_index(tmp_path / "a", [corpus], embedder).up_to_date
    update_index(tmp_path / "a", [corpus], embedder, rebuild=True)   # a rebuild reuses the cache
    assert embedder.passages_embedded == embedded


def test_bm25_and_dense_search_after_update(tmp_path: Path, corpus: Path) -> None:
    embedder = HashEmbedder()
    update_index(tmp_path / "i", [corpus], embedder)
    index = SearchIndex.open(tmp_path / "i", embedder)
    hits = index.bm25_search("伊春仲裁委员会", 3)
    assert index.chunks[hits[0][0]].meta.region == "伊春市"
    nanan = [r for r, c in index.chunks.items() if c.meta.region == "南安市"]
    assert {index.chunks[r].meta.region for r, _ in index.bm25_search("调解", 10, nanan)} == {"南安市"}
    query = index.embed_query("成立了伊春仲裁委员会")
    vectors = embedder.embed_passages([index.chunks[r].chunk.text for r in sorted(index.chunks)])
    assert index.dense_search(query, 1)[0][0] in sorted(index.chunks)
    assert len(vectors) == len(index)


def test_wrong_embedder_and_missing_index_are_refused(tmp_path: Path, corpus: Path) -> None:
    update_index(tmp_path / "i", [corpus], HashEmbedder("fake:a"))
    with pytest.raises(IndexMismatchError, match=r"embedder_id: index has 'fake:a'.*--rebuild"):
        SearchIndex.open(tmp_path / "i", HashEmbedder("fake:b"))
    with pytest.raises(IndexMismatchError):
        update_index(tmp_path / "i", [corpus], HashEmbedder("fake:b"))
    update_index(tmp_path / "i", [corpus], HashEmbedder("fake:b"), rebuild=True)
    assert len(SearchIndex.open(tmp_path / "i", HashEmbedder("fake:b"))) > 0
    with pytest.raises(IndexNotFoundError, match="reportqa index"):
        SearchIndex.open(tmp_path / "none", HashEmbedder())


def test_failed_change_keeps_the_previous_version_of_that_report(tmp_path: Path, corpus: Path) -> None:
    embedder = HashEmbedder()
    update_index(tmp_path / "i", [corpus], embedder)
    before = _state(tmp_path / "i", embedder)
    (corpus / SAMPLES[0].name).write_bytes(b"\0\1\2 binary now")
    summary = update_index(tmp_path / "i", [corpus], embedder)
    assert "binary file" in summary.skipped[0].reason
    assert _state(tmp_path / "i", embedder) == before


_UPDATER = """
import sys
from pathlib import Path
from index.build import update_index
from tests.fakes import HashEmbedder
update_index(Path(sys.argv[1]), [sys.argv[2]], HashEmbedder(delay=0.05))
"""


@pytest.mark.slow
def test_kill_9_during_updates_leaves_old_or_new_state(tmp_path: Path, corpus: Path) -> None:
    index_dir, embedder = tmp_path / "i", HashEmbedder()
    update_index(index_dir, [corpus], embedder)
    states = [_state(index_dir, embedder)]
    rng = random.Random(7)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for round_number in range(20):
        # Alternate between two corpora so every update has real work to do.
        target = tmp_path / f"corpus{round_number % 2}"
        if not target.exists():
            target.mkdir()
            for path in SAMPLES[round_number % 2: round_number % 2 + 3]:
                shutil.copy(path, target)
        process = subprocess.Popen([sys.executable, "-c", _UPDATER, str(index_dir), str(target)], env=env, cwd=REPO)
        time.sleep(rng.uniform(0.3, 2.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        state = _state(index_dir, embedder)        # loads, and dense/BM25/store agree
        sources = set(state)
        assert sources in ({p.name for p in SAMPLES[0:3]}, {p.name for p in SAMPLES[1:4]})
        for source, texts in state.items():       # each report whole: exactly one version's chunks
            assert texts == _reference_chunks(source)
        index = SearchIndex.open(index_dir, embedder)
        assert index.bm25_search("调解", 3) and index.dense_search(index.embed_query("调解"), 3)
        index.close()
        states.append(state)
    assert len(list(IndexLayout(index_dir).versions.iterdir())) >= 1


_REFERENCE: dict[str, list[str]] = {}


def _reference_chunks(source: str) -> list[str]:
    if not _REFERENCE:
        from corpus.ingest import ingest
        from index.build import CONTEXT_TOKEN_RESERVE

        guard = HashEmbedder()
        for item in ingest(SAMPLES, guards=[(guard.count_tokens, guard.max_tokens - CONTEXT_TOKEN_RESERVE)]).reports:
            _REFERENCE[item.report.source] = [c.text for c in item.chunks]
    return _REFERENCE[source]


def test_readers_see_vectors_matching_brute_force(tmp_path: Path, corpus: Path) -> None:
    embedder = HashEmbedder()
    update_index(tmp_path / "i", [corpus], embedder)
    index = SearchIndex.open(tmp_path / "i", embedder)
    rows = sorted(index.chunks)
    from index.build import passage_text

    vectors = embedder.embed_passages([passage_text(index.chunks[r].chunk, index.chunks[r].meta) for r in rows])
    query = index.embed_query("法律援助案件")
    expected = [rows[i] for i in np.argsort(-(vectors @ query))[:5]]
    assert [r for r, _ in index.dense_search(query, 5)] == expected


def test_page_starts_are_stored_with_the_report(tmp_path: Path) -> None:
    from corpus.ingest import ingest, samples_dir
    from tests.corpus.documents import text_pdf

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    original = ingest([samples_dir() / "002_5b8302c1fcb28e66.txt"]).reports[0].report
    text_pdf(original.text.split("\n"), corpus / "yichun.pdf")
    shutil.copy(SAMPLES[0], corpus)
    index_dir, embedder = tmp_path / "index", HashEmbedder()
    update_index(index_dir, [corpus], embedder)
    expected = ingest([corpus / "yichun.pdf"]).reports[0].report.pages
    index = SearchIndex.open(index_dir, embedder)
    try:
        stored = index.report("yichun.pdf")
        text_report = index.report(SAMPLES[0].name)
    finally:
        index.close()
    assert stored is not None and text_report is not None
    assert len(expected) == 5 and stored.pages == expected
    assert text_report.pages == ()  # plain text has no pages


def test_dense_scores_and_search_agree_whatever_rows_were_scored_before(tmp_path: Path, corpus: Path) -> None:
    embedder = HashEmbedder()
    update_index(tmp_path / "i", [corpus], embedder)
    index = SearchIndex.open(tmp_path / "i", embedder)
    query = index.embed_query("法律援助案件")
    nanan = [r for r, c in index.chunks.items() if c.meta.region == "南安市"]
    everything = index.dense_scores(query)
    assert sorted(everything.rows.tolist()) == sorted(index.chunks)
    within = index.dense_scores(query, nanan)  # same question, other rows: not the scores kept from before
    assert sorted(within.rows.tolist()) == sorted(nanan)
    best = dict(zip(everything.rows.tolist(), everything.scores.tolist(), strict=True))
    expected = sorted(nanan, key=lambda r: (-best[r], r))[:3]
    assert [r for r, _ in index.dense_search(query, 3, nanan)] == expected
    assert [r for r, _ in index.dense_search(query, 3)] == sorted(best, key=lambda r: (-best[r], r))[:3]
