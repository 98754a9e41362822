"""The lazy chunk view reads exactly what the chunk store holds: checked against every chunk read eagerly."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from index.build import update_index
from index.chunk_view import ChunkView
from index.layout import IndexLayout
from index.search import SearchIndex
from index.store import ChunkStore
from tests.fakes import SAMPLES, HashEmbedder, sample_corpus


def _store(index_dir: Path) -> ChunkStore:
    live = IndexLayout(index_dir).live_version()
    assert live is not None
    return ChunkStore(live / "chunks.sqlite", readonly=True)


def _check_view_equals_store(store: ChunkStore, view: ChunkView) -> None:
    eager = list(store.iter_chunks())
    assert list(view) == [c.row_id for c in eager] and len(view) == len(eager)
    assert [view[c.row_id] for c in eager] == eager
    assert list(view.values()) == eager and list(view.items()) == [(c.row_id, c) for c in eager]
    first_seen: dict[str, object] = {}
    rows_of: dict[str, list[int]] = defaultdict(list)
    for c in eager:
        first_seen.setdefault(c.chunk.source, c.meta)
        rows_of[c.chunk.source].append(c.row_id)
    rows = [c.row_id for c in eager]
    assert view.sources(rows) == [c.chunk.source for c in eager]
    assert view.section_kinds(rows) == [c.chunk.section_kind for c in eager]
    shuffled = rows[::-3] + rows[:2] + rows[:2]  # any order, repeats kept
    assert view.many(shuffled) == [eager[rows.index(r)] for r in shuffled]
    assert list(view.metas.items()) == list(first_seen.items())
    assert {s: view.rows_of(s) for s in rows_of} == rows_of
    for source, rows in rows_of.items():
        chunks = [c.chunk for c in eager if c.chunk.source == source]
        end = max(c.end for c in chunks)
        for offset in [*range(0, end + 3, 7), *(c.start for c in chunks), *(c.end for c in chunks)]:
            brute = next((r for r, c in zip(rows, chunks, strict=True) if c.start <= offset < c.end), None)
            assert view.row_at(source, offset) == brute


def test_view_equals_every_chunk_read_eagerly(fake_index_dir: Path) -> None:
    store = _store(fake_index_dir)
    try:
        _check_view_equals_store(store, ChunkView(store))
    finally:
        store.close()


def test_rows_with_gaps_after_an_update(tmp_path: Path) -> None:
    corpus = sample_corpus(tmp_path / "corpus", SAMPLES[:3])
    embedder = HashEmbedder()
    update_index(tmp_path / "index", [corpus], embedder)
    (corpus / SAMPLES[0].name).unlink()
    sample_corpus(corpus, SAMPLES[3:4])
    update_index(tmp_path / "index", [corpus], embedder)
    store = _store(tmp_path / "index")
    try:
        view = ChunkView(store)
        assert view.rows[0] > 0 or np.any(np.diff(view.rows) > 1)  # removed rows left a gap
        _check_view_equals_store(store, view)
        assert SAMPLES[0].name not in view.metas and view.rows_of(SAMPLES[0].name) == []
        assert view.row_at(SAMPLES[0].name, 0) is None
    finally:
        store.close()


def test_a_small_cache_still_returns_the_right_chunks(fake_index_dir: Path) -> None:
    store = _store(fake_index_dir)
    try:
        view = ChunkView(store, cache_size=2)
        eager = {c.row_id: c for c in store.iter_chunks()}
        rows = list(eager)
        for row in [rows[0], rows[1], rows[2], rows[0], rows[-1], rows[1], rows[0]]:
            assert view[row] == eager[row]
        assert view[np.int64(rows[3])] == eager[rows[3]]
        assert view.many(rows[:5] + rows[:1]) == [eager[r] for r in rows[:5] + rows[:1]]  # more than it keeps
    finally:
        store.close()


def test_unknown_rows_are_missing(fake_index_dir: Path) -> None:
    store = _store(fake_index_dir)
    try:
        view = ChunkView(store)
        top = int(view.rows[-1])
        assert top in view and np.int64(top) in view
        assert top + 1 not in view and -1 not in view and "0" not in view
        for missing in (top + 1, -1):
            with pytest.raises(KeyError):
                view[missing]
            with pytest.raises(KeyError):
                view.sources([top, missing])
            with pytest.raises(KeyError):
                view.many([top, missing])
        assert view.get(top + 1) is None
    finally:
        store.close()


def test_search_index_serves_its_chunks_from_the_view(fake_index_dir: Path) -> None:
    index = SearchIndex.open(fake_index_dir, HashEmbedder())
    try:
        hits = index.bm25_search("调解", 5)
        assert hits and all("调解" in index.chunks[row].chunk.text for row, _ in hits)
        assert len(index) == len(index.chunks) == index.manifest.chunks
    finally:
        index.close()
