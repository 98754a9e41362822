"""Indicator names grouped by their head noun and character overlap; the indicator a question asks about."""

from __future__ import annotations

from retriever.figures import asked_indicator, group_indicators, same_indicator


def test_variants_of_one_indicator_are_grouped() -> None:
    assert same_indicator("行政机关负责人出庭率", "负责人出庭率")
    assert same_indicator("人民调解成功率", "调解成功率")
    assert not same_indicator("法律顾问覆盖率", "法律帮扶员配备率")
    assert not same_indicator("出庭率", "败诉率")
    groups = group_indicators(["行政机关负责人出庭率", "负责人出庭率", "行政机关负责人出庭率", "一审行政诉讼败诉率"])
    assert groups["负责人出庭率"] == groups["行政机关负责人出庭率"] == "负责人出庭率"
    assert groups["一审行政诉讼败诉率"] == "一审行政诉讼败诉率"


def test_settings_override_the_grouping() -> None:
    groups = group_indicators(["人民调解成功率", "调解成功率", "公证成功率"], {"公证成功率": "公证办理成功率"})
    assert groups["公证成功率"] == "公证办理成功率"
    assert groups["人民调解成功率"] == groups["调解成功率"] == "调解成功率"


def test_the_question_names_the_longest_known_ending() -> None:
    names = ["逐年压降全市一审行政诉讼败诉率", "败诉率", "行政机关负责人出庭率"]
    assert asked_indicator("哪个地方的一审行政诉讼败诉率最高？", names) == "一审行政诉讼败诉率"
    assert asked_indicator("各地行政机关负责人出庭率分别是多少？", names) == "行政机关负责人出庭率"
    assert asked_indicator("今年的工作安排是什么？", names) == ""
