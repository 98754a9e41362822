"""The question-length limit: one check in AnswerPipeline, the same refusal for ask and stream."""

from __future__ import annotations

from pathlib import Path

from answer.pipeline import MAX_QUESTION_CHARS, AnswerPipeline
from answer.types import Answer
from index.search import SearchIndex
from tests.fakes import HashEmbedder


def test_a_question_over_the_limit_is_refused_with_its_length(fake_index_dir: Path) -> None:
    pipeline = AnswerPipeline(SearchIndex.open(fake_index_dir, HashEmbedder()))
    question = "西湖区行政复议收案多少件？" * 100
    answer = pipeline.ask(question, question_id="long")
    assert not answer.answerable and answer.citations == () and answer.id == "long"
    assert answer.answer == f"问题过长（{len(question)}字），请精简到{MAX_QUESTION_CHARS}字以内。"
    assert answer.warnings == ("question_too_long",)
    *_, streamed = pipeline.stream(question)
    assert isinstance(streamed, Answer) and streamed.warnings == ("question_too_long",)


def test_a_question_at_the_limit_is_answered(fake_index_dir: Path) -> None:
    pipeline = AnswerPipeline(SearchIndex.open(fake_index_dir, HashEmbedder()))
    question = "伊春市成立了什么仲裁机构？".ljust(MAX_QUESTION_CHARS - 1) + "？"  # inner spaces survive strip()
    assert len(question.strip()) == MAX_QUESTION_CHARS
    answer = pipeline.ask(question)
    assert "question_too_long" not in answer.warnings
    assert any("仲裁" in c.quote for c in answer.citations)
