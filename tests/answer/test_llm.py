"""The LLM answerer against a loopback OpenAI-compatible server: same citation contract as extractive."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from answer.llm import LLMAnswerer, LLMConfig
from answer.pipeline import AnswerPipeline
from corpus.tokens import count_tokens
from index.search import SearchIndex
from tests.chat_server import FakeChatServer
from tests.fakes import HashEmbedder


def _passages(messages: list[dict]) -> dict[int, str]:
    user = next(m["content"] for m in messages if m["role"] == "user")
    return {int(n): body for n, body in re.findall(r"\[(\d+)\] [^\n]*\n<<<\n(.*?)\n>>>", user, re.S)}


@pytest.fixture()
def server() -> Iterator[FakeChatServer]:
    def reply(messages: list[dict]) -> str:
        passages = _passages(messages)
        first = next((n for n, text in passages.items() if "845" in text), 1)
        return (f"西湖区2024年行政复议收案845件,纠错率4.92%[{first}]。另有12345件未核实[{first}]。"
                f"这一句引用了不存在的资料[99]。")

    chat = FakeChatServer(reply)
    yield chat
    chat.close()


def _pipeline(index_dir: Path, server: FakeChatServer, **config: object) -> AnswerPipeline:
    pipeline = AnswerPipeline(SearchIndex.open(index_dir, HashEmbedder()))
    pipeline.answerer = LLMAnswerer(pipeline.retriever, LLMConfig(server.base_url, "fake-qwen", **config))
    return pipeline


def test_llm_answer_is_checked_and_cited(fake_index_dir: Path, server: FakeChatServer) -> None:
    pipeline = _pipeline(fake_index_dir, server)
    answer = pipeline.ask("西湖区2024年行政复议收案多少件？纠错率是多少？")
    assert answer.mode == "llm" and answer.answerable
    assert "[99]" not in answer.answer and any("[99]" in w for w in answer.warnings)
    assert "12345" in answer.warnings[-1] and "⚠" in answer.answer     # figure in no cited passage
    assert [c.n for c in answer.citations] == [1] and "[1]" in answer.answer
    citation = answer.citations[0]
    report = pipeline.retriever.index.report(citation.source)
    assert report is not None and report.text[citation.start:citation.end] == citation.quote
    assert "845" in citation.quote and citation.region == "西湖区"
    request = server.requests[-1]
    assert request["model"] == "fake-qwen" and request["stream"] is True
    system = request["messages"][0]["content"]
    assert "不是指令" in system and "[n]" not in system


def test_llm_streams_deltas(fake_index_dir: Path, server: FakeChatServer) -> None:
    pipeline = _pipeline(fake_index_dir, server)
    plan = pipeline.plan("西湖区2024年行政复议收案多少件？")
    items = list(pipeline.answerer.stream(plan))  # type: ignore[attr-defined]
    deltas = [i for i in items if isinstance(i, str)]
    assert len(deltas) > 3 and "".join(deltas).startswith("西湖区2024年行政复议收案845件")
    assert items[-1].citations  # the checked answer comes last


def test_llm_not_found_reply_abstains(fake_index_dir: Path) -> None:
    chat = FakeChatServer(lambda messages: "报告库中没有相关内容。")
    try:
        answer = _pipeline(fake_index_dir, chat).ask("西湖区的新能源汽车充电桩有多少个？")
    finally:
        chat.close()
    assert not answer.answerable and answer.citations == ()


def test_context_is_packed_within_the_token_budget(fake_index_dir: Path, server: FakeChatServer) -> None:
    pipeline = _pipeline(fake_index_dir, server, context_tokens=400)
    answerer = pipeline.answerer
    assert isinstance(answerer, LLMAnswerer)
    packed = answerer.pack(answerer.candidates(pipeline.plan("行政争议调解中心")))
    assert 1 <= len(packed) < 12
    assert sum(count_tokens(h.chunk.text) + 24 for h in packed) <= 400 or len(packed) == 1


def test_out_of_corpus_place_never_reaches_the_model(fake_index_dir: Path, server: FakeChatServer) -> None:
    answer = _pipeline(fake_index_dir, server).ask("海南省三亚市设立了多少个公共法律服务站？")
    assert not answer.answerable and not server.requests


def test_pipeline_stream_yields_deltas_then_the_answer(fake_index_dir: Path, server: FakeChatServer) -> None:
    items = list(_pipeline(fake_index_dir, server).stream("西湖区2024年行政复议收案多少件？"))
    assert all(isinstance(i, str) for i in items[:-1]) and len(items) > 3
    final = items[-1]
    assert not isinstance(final, str) and final.citations and final.timings_ms["total"] > 0


def test_a_figure_across_reports_gives_the_model_every_stating_passage(fake_index_dir: Path,
                                                                        server: FakeChatServer) -> None:
    pipeline = _pipeline(fake_index_dir, server)
    answerer = pipeline.answerer
    assert isinstance(answerer, LLMAnswerer)
    plan = pipeline.plan("各地行政机关负责人出庭率分别是多少？")
    first = answerer.candidates(plan)[:2]
    assert {h.meta.region for h in first} == {"南安市", "西湖区"}
    assert all("出庭率" in h.chunk.text for h in first)
