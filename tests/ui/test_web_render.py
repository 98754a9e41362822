"""The HTML of the chat: markers tied to their own answer's cards, abstentions with the closest passages."""

from __future__ import annotations

import re

import pytest

from answer.types import Answer, Citation, Passage
from answer.wording import WordingHit
from corpus.types import IngestResult, Report
from retriever.analysis import Filters
from ui.chat_tab import displayed_answer
from ui.web_render import CLOSEST_HEADING, CLOSEST_NOTE, answer_markdown, sources_group, sources_panel, wording_html


@pytest.fixture(scope="module")
def xihu(samples: IngestResult) -> Report:
    return next(item.report for item in samples.reports if item.report.meta.region == "西湖区")


def citation(report: Report, n: int, quote: str) -> Citation:
    start = report.text.index(quote)
    return Citation(n, report.source, report.meta.title, report.meta.region, report.meta.year, "一、… › (二)…",
                    quote, start, start + len(quote))


def passage(report: Report, quote: str, score: float) -> Passage:
    start = report.text.index(quote)
    return Passage(report.source, "一、… › (六)…", quote, score, report.meta.region, report.meta.year, start,
                   start + len(quote))


def test_markers_link_to_the_cards_of_their_own_answer(xihu: Report) -> None:
    cited = (citation(xihu, 1, "2024年全区行政复议收案845件,纠错30件,纠错率4.92%。"),
             citation(xihu, 2, "2024年,行政复议案件调撤率为33.8%。"))
    answer = Answer("西湖区行政复议收案多少件？", "收案845件[1]，调撤率33.8%[2]，另见[3]。", True, cited)
    markdown = answer_markdown(answer, 4)
    assert re.findall(r'href="#([^"]+)"', markdown) == ["src-4-1", "src-4-2"]
    assert "另见[3]" in markdown                                    # a marker with no citation stays text
    group = sources_group(answer, 4, {xihu.source: xihu.text})
    assert re.findall(r'class="source-card" id="([^"]+)"', group.body) == ["src-4-1", "src-4-2"]
    assert "<mark>2024年全区行政复议收案845件,纠错30件,纠错率4.92%。</mark>" in group.body
    assert f"start={cited[0].start}&amp;end={cited[0].end}" in group.body and CLOSEST_HEADING not in group.body


def test_an_abstention_shows_the_closest_passages_as_not_supporting_an_answer(xihu: Report) -> None:
    closest = (passage(xihu, "充实人民调解力量。", 0.61), passage(xihu, "培育打造人民调解品牌。", 0.55))
    hostile = Passage("x.txt", "<b>节</b>", "<script>alert(1)</script>", 0.1)
    answer = Answer("申明亭调解员有多少名？", "报告库中没有找到相关内容。", False, passages=(*closest, hostile))
    body = sources_group(answer, 2, {}).body
    assert body.index(CLOSEST_HEADING) < body.index(CLOSEST_NOTE) < body.index("充实人民调解力量。")
    assert body.index("充实人民调解力量。") < body.index("培育打造人民调解品牌。")    # in rank order
    assert re.findall(r'id="([^"]+)"', body) == ["src-2-p1", "src-2-p2", "src-2-p3"]
    assert "<script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "西湖区 · 2024年" in body and f"start={closest[0].start}&amp;end={closest[0].end}" in body
    no_passages = sources_group(Answer("问题？", "没有找到。", False), 3, {}).body
    assert CLOSEST_HEADING not in no_passages and "没有引用来源" in no_passages


def test_the_panel_lists_every_answer_newest_first_with_only_the_newest_unfolded(xihu: Report) -> None:
    groups = [sources_group(Answer(f"问题{i}？", "答[1]。", True, (citation(xihu, 1, "充实人民调解力量。"),)), i,
                            {xihu.source: xihu.text}) for i in (1, 2, 3)]
    panel = sources_panel(groups)
    assert re.findall(r'<details class="source-group" id="answer-(\d)"( open)?', panel) == [
        ("3", " open"), ("2", ""), ("1", "")]
    ids = re.findall(r'class="source-card" id="([^"]+)"', panel)
    assert ids == ["src-3-1", "src-2-1", "src-1-1"] and "第1问：问题1？" in panel
    assert "暂无来源" in sources_panel([])


def test_a_not_found_under_filters_says_which_filters_applied() -> None:
    filters = Filters(regions=("西湖区",), years=(2024,))
    not_found = Answer("申明亭在哪里？", "报告库中没有找到相关内容。", False)
    assert displayed_answer(not_found, 1, filters).endswith("（已按筛选条件：地区=西湖区；年度=2024 检索）")
    assert displayed_answer(not_found, 1, Filters()) == "报告库中没有找到相关内容。"
    too_long = Answer("问" * 600, "问题过长（600字），请精简到500字以内。", False, warnings=("question_too_long",))
    assert "筛选" not in displayed_answer(too_long, 1, filters)
    found = Answer("问题？", "答案。", True)
    assert "筛选" not in displayed_answer(found, 1, filters)


def test_wording_numbers_are_written_out_and_folds_name_their_places() -> None:
    hits = [WordingHit(f"第{i}条表述<i>。", "a.txt", "西湖区", 2024, "标题", "一、…", 0, 5, 1.0) for i in range(1, 13)]
    hits[10].variants.append(("b.txt", "相近的第11条表述。"))
    page = wording_html(hits, {"a.txt": "西湖区", "b.txt": "上城区"})
    assert re.findall(r'<span class="wording-n">(\d+)\.</span>', page) == [str(i) for i in range(1, 13)]
    assert "另有1处相近表述</summary><div class=\"wording-variant\">上城区：相近的第11条表述。" in page
    assert "<i>" not in page and page.count("wording-folded") == 1
    assert "没有找到" in wording_html([], {})
