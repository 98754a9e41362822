"""Question analysis: places in full and short form, follow-ups, filters and intents."""

from __future__ import annotations

import pytest

from retriever.analysis import Filters, RegionResolver, analyze, topic_fragments

RESOLVER = RegionResolver(["诸暨市", "南安市", "伊春市", "柯城区", "西湖区"],
                          ["浙江省", "绍兴市", "福建省", "泉州市", "黑龙江省", "衢州市", "杭州市"])


def test_short_forms_resolve_to_corpus_regions() -> None:
    assert RESOLVER.regions_in("南安的“三金”机制") == ["南安市"]
    assert RESOLVER.regions_in("比较诸暨和西湖的做法") == ["诸暨市", "西湖区"]
    assert RESOLVER.regions_in("浙江省的情况") == []


def test_places_outside_the_corpus_are_spotted() -> None:
    assert RESOLVER.foreign_places("海南省三亚市2023年设立了多少个公共法律服务站？") == ["海南省", "三亚市"]
    assert RESOLVER.foreign_places("杭州市西湖区的调解") == []   # a parent of a corpus region is fine


@pytest.mark.parametrize(("question", "intent"), [
    ("哪些县市区设立了行政争议调解中心？", "list"),
    ("南安市2023年人民调解成功率是多少？", "numeric"),
    ("比较南安市和伊春市的人民调解成功率。", "compare"),
    ("如何表述“行政争议实质性化解”方面的工作？给出可借鉴的原文表述。", "wording"),
    ("诸暨市法治政府建设存在哪些问题？", "section"),
    ("2020年度的报告是哪个地区的？", "filter"),
    ("伊春市成立了什么仲裁机构？", "factoid"),
    ("各地行政复议纠错率分别是多少？", "list"),
    ("2023年度的报告有哪些？", "filter"),
    ("2023年度的报告中哪些提到了民法典？", "list"),
])
def test_intents(question: str, intent: str) -> None:
    assert analyze(question, RESOLVER).intent == intent


def test_filters_inferred_and_explicit() -> None:
    plan = analyze("诸暨市法治政府建设存在哪些问题？", RESOLVER)
    assert plan.filters == Filters(regions=("诸暨市",), kinds=("存在问题",))
    assert analyze("2020年度的报告是哪个地区的？", RESOLVER).filters.years == (2020,)
    # A year inside a question is a topic (a plan for 2024 sits in the 2023 report), not a report filter.
    assert analyze("诸暨市2024年计划新创建多少家“枫桥式”司法所？", RESOLVER).filters.years == ()
    explicit = analyze("行政复议", RESOLVER, explicit=Filters(regions=("南安市",))).filters
    assert explicit.regions == ("南安市",)


def test_follow_ups_are_resolved_from_history() -> None:
    assert analyze("那它的人民调解成功率是多少？", RESOLVER, ["西湖区打造了哪些调解室品牌？"]).resolved \
        == "西湖区人民调解成功率是多少？"
    assert analyze("伊春市呢？", RESOLVER, ["南安市2023年人民调解成功率是多少？"]).resolved \
        == "伊春市2023年人民调解成功率是多少？"
    assert analyze("西湖区有哪些合规指引？", RESOLVER, ["南安市的调解"]).resolved == "西湖区有哪些合规指引？"


def test_topic_fragments_drop_question_words() -> None:
    assert topic_fragments("哪些县市区设立了行政争议调解中心？") == ["设立", "行政争议调解中心"]
    assert topic_fragments("行政复议收案多少件？纠错率是多少？") == ["行政复议收案", "纠错率"]
