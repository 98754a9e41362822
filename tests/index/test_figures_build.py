"""The figure table follows the reports: built with the index, updated when reports come and go."""

from __future__ import annotations

from pathlib import Path

from corpus.ingest import samples_dir
from index.build import update_index
from index.figures import FIGURES_FILE, FigureStore
from index.layout import IndexLayout
from tests.fakes import SAMPLES, HashEmbedder, sample_corpus


def _table(index_dir: Path) -> FigureStore:
    live = IndexLayout(index_dir).live_version()
    assert live is not None
    return FigureStore(live / FIGURES_FILE, readonly=True)


def test_adding_and_removing_reports_updates_the_figures(tmp_path: Path) -> None:
    corpus = sample_corpus(tmp_path / "corpus", SAMPLES[:2])
    index_dir = tmp_path / "index"
    update_index(index_dir, [corpus], HashEmbedder())
    store = _table(index_dir)
    assert store.sources() == [p.name for p in SAMPLES[:2]]
    before = store.rows()
    store.close()

    sample_corpus(corpus, SAMPLES[4:5])  # 西湖区 comes in
    (corpus / SAMPLES[0].name).unlink()  # 诸暨市 goes out
    summary = update_index(index_dir, [corpus], HashEmbedder())
    assert summary.added == (SAMPLES[4].name,) and summary.removed == (SAMPLES[0].name,)
    store = _table(index_dir)
    assert store.sources() == [SAMPLES[1].name, SAMPLES[4].name]
    assert [(r.region, r.value) for r in store.rows("败诉率")] == [("西湖区", 7.22)]
    kept = [r for r in before if r.source == SAMPLES[1].name]
    assert [r for r in store.rows() if r.source == SAMPLES[1].name] == kept
    store.close()


def test_an_index_without_a_figure_table_gets_one_on_update(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    update_index(index_dir, [samples_dir()], HashEmbedder())
    live = IndexLayout(index_dir).live_version()
    assert live is not None
    (live / FIGURES_FILE).unlink()  # as built before issue 11
    corpus = sample_corpus(tmp_path / "corpus", SAMPLES[:4])
    update_index(index_dir, [corpus], HashEmbedder())
    store = _table(index_dir)
    assert store.sources() == [p.name for p in SAMPLES[:4]]
    store.close()
