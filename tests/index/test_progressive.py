"""Progressive indexing: reports are answerable by words as soon as they are parsed, vectors follow and a
stopped embedding run resumes without redoing finished batches."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from answer.pipeline import AnswerPipeline
from index.build import complete_vectors, update_index
from index.search import SearchIndex
from tests.fakes import SAMPLES, HashEmbedder, sample_corpus
from ui.service import AssistantService
from ui.settings import Settings


class StopAfter(HashEmbedder):
    """Embeds normally, then fails like a killed process after a number of batches."""

    def __init__(self, batches: int) -> None:
        super().__init__()
        self.batches = batches

    def embed_passages(self, texts):  # type: ignore[no-untyped-def]
        if len(self.passage_calls) >= self.batches:
            raise KeyboardInterrupt
        return super().embed_passages(texts)


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    return sample_corpus(tmp_path / "corpus", SAMPLES[:3])


def test_text_stage_answers_by_words_before_any_vector(tmp_path: Path, corpus: Path) -> None:
    embedder = HashEmbedder()
    summary = update_index(tmp_path / "i", [corpus], embedder, vectors=False)
    assert embedder.passages_embedded == 0 and summary.pending_vectors > summary.chunks  # chunks and sentences
    index = SearchIndex.open(tmp_path / "i", embedder)
    assert index.unit_vectors is None and index.pending_vectors == summary.pending_vectors
    answer = AnswerPipeline(index).ask("伊春市成立了什么仲裁机构？")
    assert "伊春仲裁委员会" in answer.answer and "vectors_pending" in answer.warnings

    done = complete_vectors(tmp_path / "i", embedder)
    assert done.pending_vectors == 0 and done.embedded == summary.chunks and done.embedded_units > 0
    index = SearchIndex.open(tmp_path / "i", embedder)
    assert index.unit_vectors is not None and len(index.unit_vectors) == len(index.units)
    assert index._dense.ntotal == len(index.chunks)
    stored = np.asarray(index.unit_vectors[:3], dtype=np.float32)
    expected = embedder.embed_passages(index.units.texts[:3])
    assert np.allclose(stored, expected, atol=1e-2)  # float16 storage
    answer = AnswerPipeline(index).ask("伊春市成立了什么仲裁机构？")
    assert "伊春仲裁委员会" in answer.answer and "vectors_pending" not in answer.warnings


def test_a_stopped_embedding_run_resumes_where_it_stopped(tmp_path: Path, corpus: Path) -> None:
    update_index(tmp_path / "i", [corpus], HashEmbedder(), vectors=False)
    stopping = StopAfter(batches=3)
    with pytest.raises(KeyboardInterrupt):
        complete_vectors(tmp_path / "i", stopping)
    assert SearchIndex.open(tmp_path / "i", HashEmbedder()).pending_vectors > 0  # still the text stage
    resumed = HashEmbedder()
    done = complete_vectors(tmp_path / "i", resumed)
    first = {text for batch in stopping.passage_calls for text in batch}
    again = {text for batch in resumed.passage_calls for text in batch}
    assert len(first) == 3 * 32 and not first & again  # the three finished batches were kept
    assert done.pending_vectors == 0


def test_batches_are_sorted_by_length_and_identical_texts_embedded_once(tmp_path: Path, corpus: Path) -> None:
    embedder = HashEmbedder()
    update_index(tmp_path / "i", [corpus], embedder)
    texts = [text for batch in embedder.passage_calls for text in batch]
    assert len(texts) == len(set(texts))
    chunk_lengths = [len(t) for t in texts[:update_index(tmp_path / "i", [corpus], embedder).chunks]]
    assert chunk_lengths == sorted(chunk_lengths)


def test_the_web_service_embeds_in_the_background(tmp_path: Path, corpus: Path) -> None:
    settings = Settings(index_dir=tmp_path / "i")
    embedder = HashEmbedder()
    update_index(settings.index_dir, [corpus], embedder, vectors=False)
    service = AssistantService(settings, embedder, corpus_paths=[corpus])
    assert service.wait_for_vectors(timeout=120)
    assert "vectors_pending" not in service.ask("伊春市成立了什么仲裁机构？").warnings
    # An upload is answerable at once; its vectors follow in the background.
    upload = tmp_path / "upload"
    upload.mkdir()
    (upload / SAMPLES[3].name).write_bytes(SAMPLES[3].read_bytes())
    summary, problems = service.add_files([(SAMPLES[3].name, upload / SAMPLES[3].name)])
    assert not problems and summary.added == (SAMPLES[3].name,)
    assert service.wait_for_vectors(timeout=120)
    assert len(service.reports()) == 4
