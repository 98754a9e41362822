"""BM25 built from token ids read one chunk at a time scores exactly as bm25s indexing the token strings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index import sparse
from index.analysis import Bm25Tokenizer
from index.layout import IndexLayout
from index.store import ChunkStore


@pytest.mark.parametrize("query", ["行政争议调解中心", "法律明白人", "伊春仲裁委员会", "败诉率 调撤率"])
def test_streamed_ids_score_as_bm25s_over_strings(fake_index_dir: Path, query: str) -> None:
    import bm25s

    live = IndexLayout(fake_index_dir).live_version()
    assert live is not None
    store = ChunkStore(live / "chunks.sqlite", readonly=True)
    rows = list(store.iter_tokens())
    store.close()
    model, row_ids = sparse.build(iter(rows))
    reference = bm25s.BM25()
    reference.index([tokens or [""] for _, tokens in rows], show_progress=False)
    terms = [t for t in Bm25Tokenizer(bigrams=True).tokenize(query) if t in reference.vocab_dict]
    assert terms and list(row_ids) == [row for row, _ in rows]
    np.testing.assert_allclose(model.get_scores(terms), reference.get_scores(terms), rtol=1e-6)


def test_an_empty_chunk_and_an_empty_corpus_still_index() -> None:
    model, row_ids = sparse.build(iter([(4, ["诸暨", "#诸暨"]), (7, []), (9, ["西湖"])]))
    assert row_ids.dtype == np.int64 and list(row_ids) == [4, 7, 9]
    assert sparse.search(model, row_ids, ["诸暨", "没有"], 3) == [(4, pytest.approx(model.get_scores(["诸暨"])[0]))]
    assert sparse.search(model, row_ids, ["西湖"], 3)[0][0] == 9
    model, row_ids = sparse.build(iter([]))
    assert len(row_ids) == 0 and row_ids.dtype == np.int64 and sparse.search(model, row_ids, [""], 3) == []


def test_unit_postings_list_exactly_the_units_holding_each_bigram(fake_index_dir: Path) -> None:
    """The evidence units' bigram postings (built from flat arrays) against a scan of every unit's text."""
    from index.units import UnitIndex, bigrams

    live = IndexLayout(fake_index_dir).live_version()
    assert live is not None
    units = UnitIndex.load(live)
    grams = [bigrams(t) for t in units.texts]
    for term in ["调解", "诸暨", "33", "率%", "仲裁", "钉钉"]:
        expected = [i for i, g in enumerate(grams) if term in g]
        assert units.unit_bigrams.items(term).tolist() == expected
    assert list(units.unit_bigrams.vocab) == sorted(units.unit_bigrams.vocab)
    assert units.unit_bigrams.df("没有这个") == 0 and len(units.unit_bigrams.items("没有这个")) == 0


def test_a_loaded_index_scores_exactly_as_the_one_saved(fake_index_dir: Path, tmp_path: Path) -> None:
    live = IndexLayout(fake_index_dir).live_version()
    assert live is not None
    store = ChunkStore(live / "chunks.sqlite", readonly=True)
    model, row_ids = sparse.build(store.iter_tokens())
    store.close()
    sparse.save(model, row_ids, tmp_path / "bm25")
    loaded, loaded_rows = sparse.load(tmp_path / "bm25")  # score arrays memory-mapped
    assert list(loaded_rows) == list(row_ids)
    for query in ["行政争议调解中心", "法律明白人", "败诉率 调撤率"]:
        terms = Bm25Tokenizer(bigrams=True).tokenize(query)
        assert sparse.search(loaded, loaded_rows, terms, 50) == sparse.search(model, row_ids, terms, 50)


def test_all_scores_are_every_positive_score_of_the_allowed_rows(fake_index_dir: Path) -> None:
    live = IndexLayout(fake_index_dir).live_version()
    assert live is not None
    model, row_ids = sparse.load(live / "bm25")
    terms = Bm25Tokenizer(bigrams=True).tokenize("行政争议调解中心")
    ranked = dict(sparse.search(model, row_ids, terms, len(row_ids)))
    rows, scores = sparse.all_scores(model, row_ids, terms)
    assert ranked and dict(zip(rows.tolist(), scores.tolist(), strict=True)) == ranked
    mask = np.arange(len(row_ids)) % 2 == 0
    rows, scores = sparse.all_scores(model, row_ids, terms, mask)
    allowed = set(row_ids[mask].tolist())
    assert dict(zip(rows.tolist(), scores.tolist(), strict=True)) == {r: s for r, s in ranked.items() if r in allowed}
    assert len(sparse.all_scores(model, row_ids, ["没有这个词"])[0]) == 0


def test_the_columns_read_without_bm25s_score_exactly_as_bm25s_loading_them(fake_index_dir: Path) -> None:
    import bm25s

    live = IndexLayout(fake_index_dir).live_version()
    assert live is not None
    columns, _ = sparse.load(live / "bm25")
    reference = bm25s.BM25.load(str(live / "bm25"), allow_pickle=False, mmap=True)
    tokenizer = Bm25Tokenizer(bigrams=True)
    for query in ["行政争议调解中心", "法律明白人 法律明白人", "伊春仲裁委员会", "败诉率 调撤率",
                  "诸暨 枫桥经验 没有这个词"]:
        terms = [t for t in tokenizer.tokenize(query) if t in reference.vocab_dict]
        assert terms
        ours = columns.get_scores([*terms, "没有这个词"])
        assert ours.dtype == np.float32 and np.array_equal(ours, reference.get_scores(terms))
