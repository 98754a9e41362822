"""One contract for every Answerer (extractive and LLM): verbatim quotes with offsets, real markers only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from answer.llm import LLMAnswerer, LLMConfig
from answer.pipeline import AnswerPipeline
from index.search import SearchIndex
from tests.chat_server import FakeChatServer
from tests.fakes import HashEmbedder

QUESTIONS = ["西湖区2024年行政复议收案多少件？纠错率是多少？", "伊春市成立了什么仲裁机构？",
             "哪些县设立了行政争议调解中心？", "海南省三亚市设立了多少个公共法律服务站？"]
CONTRACT_KEYS = {"id", "question", "answer", "answerable", "citations", "passages", "timings_ms"}


def _cite_first_two(messages: list[dict]) -> str:
    user = next(m["content"] for m in messages if m["role"] == "user")
    bodies = re.findall(r"\n<<<\n(.*?)\n>>>", user, re.S)
    first = bodies[0].split("。")[0] if bodies else ""
    return f"{first}[1]。另见[2]。" if len(bodies) > 1 else f"{first}[1]。"


@pytest.fixture(params=["extractive", "llm"])
def pipeline(request: pytest.FixtureRequest, fake_index_dir: Path) -> Iterator[AnswerPipeline]:
    pipeline = AnswerPipeline(SearchIndex.open(fake_index_dir, HashEmbedder()))
    if request.param == "extractive":
        yield pipeline
        return
    chat = FakeChatServer(_cite_first_two)
    pipeline.answerer = LLMAnswerer(pipeline.retriever, LLMConfig(chat.base_url, "fake"))
    yield pipeline
    chat.close()


@pytest.mark.parametrize("question", QUESTIONS)
def test_answer_contract(pipeline: AnswerPipeline, question: str) -> None:
    answer = pipeline.ask(question, question_id="q1")
    data = answer.to_json()
    assert set(data) >= CONTRACT_KEYS and data["id"] == "q1" and data["timings_ms"]["total"] >= 0
    if not answer.answerable:
        assert answer.citations == ()
        return
    assert answer.citations and [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)} == {c.n for c in answer.citations}
    for citation in answer.citations:
        report = pipeline.retriever.index.report(citation.source)
        assert report is not None and report.text[citation.start:citation.end] == citation.quote
        assert citation.title == report.meta.title and citation.region == report.meta.region
    cited_sources = {c.source for c in answer.citations}
    assert cited_sources <= {p.source for p in answer.passages}
