"""The service behind the web app: uploads, removal, ratings that survive a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.build import update_index
from tests.fakes import SAMPLES, HashEmbedder, sample_corpus
from ui.service import AssistantService
from ui.settings import Settings


@pytest.fixture()
def service(tmp_path: Path) -> AssistantService:
    corpus = sample_corpus(tmp_path / "corpus", SAMPLES[:2])
    settings = Settings(index_dir=tmp_path / "index")
    update_index(settings.index_dir, [corpus], HashEmbedder())
    return AssistantService(settings, HashEmbedder())


def test_the_corpus_paths_come_from_the_index(service: AssistantService) -> None:
    assert [Path(p).name for p in service.corpus_paths] == ["corpus"]
    assert [r.source for r in service.reports()] == [p.name for p in SAMPLES[:2]]


def test_upload_and_remove(service: AssistantService, tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 garbage")
    summary, problems = service.add_files([(SAMPLES[3].name, SAMPLES[3]), ("bad.pdf", bad),
                                           ("notes.xlsx", bad), ("../../escape.txt", SAMPLES[4])])
    assert set(summary.added) == {SAMPLES[3].name, "escape.txt"}
    assert any("corrupt PDF" in s.reason for s in summary.skipped) and "notes.xlsx" in problems[0]
    assert (service.uploads / "escape.txt").exists() and not (tmp_path / "escape.txt").exists()
    assert any(c.region == "柯城区" for c in service.ask("柯城区新增持证执法人员多少名？").citations)

    removed = service.remove(SAMPLES[3].name)                      # an upload: its file is deleted
    assert removed.removed == (SAMPLES[3].name,) and not (service.uploads / SAMPLES[3].name).exists()
    removed = service.remove(SAMPLES[0].name)                      # a corpus report: excluded, file kept
    assert removed.removed == (SAMPLES[0].name,) and Path(service.corpus_paths[0], SAMPLES[0].name).exists()
    assert {r.source for r in service.reports()} == {SAMPLES[1].name, "escape.txt"}


def test_ratings_survive_a_restart_and_export_as_csv(service: AssistantService) -> None:
    answer = service.ask("伊春市成立了什么仲裁机构？")
    service.ratings.add(answer.question, answer.answer, "正确", "引用准确", len(answer.citations))
    with pytest.raises(ValueError, match="rating must be one of"):
        service.ratings.add("q", "a", "excellent", "", 0)
    restarted = AssistantService(service.settings, HashEmbedder())
    [rating] = restarted.ratings.all()
    assert rating.rating == "正确" and rating.comment == "引用准确" and rating.question == answer.question
    csv_text = restarted.ratings.to_csv()
    assert csv_text.startswith("\ufefftime,question,answer,rating,comment,citations") and "引用准确" in csv_text
