"""Questions across reports about one figure are answered with a table from the figure table."""

from __future__ import annotations

from pathlib import Path

import pytest

from answer.pipeline import AnswerPipeline
from index.embedders import Embedder
from index.search import SearchIndex


@pytest.fixture(scope="module")
def pipeline(real_index_dir: Path, real_embedder: Embedder) -> AnswerPipeline:
    return AnswerPipeline(SearchIndex.open(real_index_dir, real_embedder))


def _table_rows(text: str) -> list[list[str]]:
    return [[c.strip() for c in line.strip("|").split("|")] for line in text.splitlines()
            if line.startswith("| ") and not line.startswith("| 地区")]


def test_each_place_with_its_cited_figure(pipeline: AnswerPipeline) -> None:
    answer = pipeline.ask("各地行政机关负责人出庭率分别是多少？")
    rows = _table_rows(answer.answer)
    assert {(r[0], r[3], r[4]) for r in rows} == {("南安市", "100", "%"), ("西湖区", "100", "%")}
    assert {c.region for c in answer.citations} == {"南安市", "西湖区"}
    for row, citation in zip(rows, answer.citations, strict=True):
        assert row[-1].endswith(f"[{citation.n}]") and "出庭率" in citation.quote
        report = pipeline.retriever.report(citation.source)
        assert report is not None and report.text[citation.start:citation.end] == citation.quote
    unseen = answer.answer.split("未见数据：")[1]
    assert "诸暨市" in unseen and "南安市" not in unseen


def test_the_highest_comes_first(pipeline: AnswerPipeline) -> None:
    answer = pipeline.ask("哪个地方的一审行政诉讼败诉率最高？")
    assert answer.answer.startswith("一审行政诉讼败诉率最高的是**西湖区**")
    assert [(r[0], r[3]) for r in _table_rows(answer.answer)] == [("西湖区", "7.22"), ("诸暨市", "2.21")]
    lowest = pipeline.ask("哪个地方的一审行政诉讼败诉率最低？")
    assert [r[0] for r in _table_rows(lowest.answer)] == ["诸暨市", "西湖区"]


def test_named_places_are_compared(pipeline: AnswerPipeline) -> None:
    answer = pipeline.ask("比较南安和伊春的人民调解成功率")
    assert {(r[0], r[3]) for r in _table_rows(answer.answer)} == {("南安市", "99.78"), ("伊春市", "95.4")}


def test_one_report_keeps_its_prose_answer(pipeline: AnswerPipeline) -> None:
    answer = pipeline.ask("诸暨市一审行政诉讼败诉率是多少？")
    assert "| 地区 |" not in answer.answer and "2.21%" in answer.answer


def test_places_tied_at_the_top_are_all_named(pipeline: AnswerPipeline) -> None:
    answer = pipeline.ask("哪个地方出庭率最高")
    lead = answer.answer.split("\n")[0]
    assert "**南安市**" in lead and "**西湖区**" in lead and "并列" in lead and "100%" in lead
