"""Sentence matching: verbatim runs, context at half weight, figures asked for."""

from __future__ import annotations

import pytest

from answer.matching import contains_head, figure_near, has_figure, match


def test_whole_phrase_beats_scattered_characters() -> None:
    whole = match(["设立", "行政争议调解中心"], "联合法院、市行政争议调解中心、市级职能部门")
    scattered = match(["设立", "行政争议调解中心"], "发挥行政复议化解行政争议主渠道作用,综治中心调解纠纷")
    assert whole.score == pytest.approx(0.5 * 0.8 + 0.5 * 1.0)
    assert scattered.score < 0.75 <= whole.score


def test_context_counts_half() -> None:
    alone = match(["专项行动调解成功率"], "调解成功21345件,调解成功率95.4%。")
    with_context = match(["专项行动调解成功率"], "调解成功21345件,调解成功率95.4%。", "扎实开展专项行动。")
    assert with_context.coverage == pytest.approx(alone.coverage + 4 / 2 / 9)


def test_numbers_in_the_question_must_be_in_the_sentence() -> None:
    assert match(["出庭率", "100%"], "行政机关负责人出庭率100%。").numbers_ok
    assert match(["出庭率", "100%"], "行政机关负责人出庭率98%。").score == 0.0


def test_years_are_not_figures() -> None:
    assert not has_figure("扎实开展2023矛盾纠纷排查化解专项行动。")
    assert has_figure("调解成功率95.4%。")


def test_heads_for_lists() -> None:
    assert contains_head("行政争议调解中心", "联合法院、市行政争议调解中心、市级职能部门")
    assert contains_head("行政复议纠错率", "2024年全区行政复议收案845件,纠错30件,纠错率4.92%。")
    assert not contains_head("行政复议纠错率", "新收行政复议案件申请216件,行政复议纠错35件;")
    assert not contains_head("行政争议调解中心", "化解行政争议主渠道作用,与综治中心联合调解纠纷")


def test_figure_near_the_thing_asked_about() -> None:
    assert figure_near(["合规联系点"], "在园区、企业建立7个合规联系点")
    assert not figure_near(["合规联系点"], "形成1+1+N体系,建立多个合规联系点")
