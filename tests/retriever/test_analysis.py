"""Question analysis: places in full and short form, follow-ups, filters and intents."""

from __future__ import annotations

import pytest

from corpus.patterns import normalize_for_search
from retriever.analysis import Filters, RegionResolver, analyze, topic_fragments
from tests.fakes import SAMPLES

# What the five sample reports say, so the resolver knows which words the reports use.
REPORTS = "\n".join(normalize_for_search(path.read_text(encoding="utf-8")) for path in SAMPLES)
RESOLVER = RegionResolver(["诸暨市", "南安市", "伊春市", "柯城区", "西湖区"],
                          ["浙江省", "绍兴市", "福建省", "泉州市", "黑龙江省", "衢州市", "杭州市"],
                          mentioned=lambda name: normalize_for_search(name) in REPORTS)


def test_short_forms_resolve_to_corpus_regions() -> None:
    assert RESOLVER.regions_in("南安的“三金”机制") == ["南安市"]
    assert RESOLVER.regions_in("比较诸暨和西湖的做法") == ["诸暨市", "西湖区"]
    assert RESOLVER.regions_in("浙江省的情况") == []


def test_places_outside_the_corpus_are_spotted() -> None:
    assert RESOLVER.mentions("海南省三亚市2023年设立了多少个公共法律服务站？").foreign == ("海南省", "三亚市")
    assert RESOLVER.mentions("杭州市西湖区的调解").foreign == ()  # a parent of a corpus region is fine
    # Short forms of places elsewhere (深圳南山) are places, not topic words.
    assert set(RESOLVER.mentions("深圳南山的行政复议纠错率").foreign) == {"深圳市", "南山区"}


def test_places_the_reports_mention_are_topics_not_foreign() -> None:
    resolver = RegionResolver(["伊春市"], ["黑龙江省"], mentioned=lambda name: name == "铁力市")
    mentions = resolver.mentions("铁力市的人民调解员获得了什么称号？")
    assert mentions.foreign == () and mentions.named_in_reports == ("铁力市",)


PARENTS = {"诸暨市": ("浙江省", "绍兴市"), "南安市": ("福建省", "泉州市"), "伊春市": ("黑龙江省", None),
           "柯城区": ("浙江省", "衢州市"), "西湖区": ("浙江省", "杭州市")}
NESTED = RegionResolver(list(PARENTS), [p for ps in PARENTS.values() for p in ps if p],
                        mentioned=lambda name: normalize_for_search(name) in REPORTS, region_parents=PARENTS)


@pytest.mark.parametrize(("question", "intent", "regions"), [
    ("浙江的报告有哪几份，是哪些地方", "filter", ("柯城区", "西湖区", "诸暨市")),
    ("浙江省各地设立了行政争议调解中心吗", "list", ("柯城区", "西湖区", "诸暨市")),
    ("泉州在调解方面有什么做法", "factoid", ("南安市",)),
    ("杭州市西湖区的行政复议纠错率是多少", "numeric", ("西湖区",)),  # the region itself, not every one in 杭州
    ("哪些地方设立了行政争议调解中心", "list", ()),
    ("浙江各地人民调解成功率分别是多少", "list", ("柯城区", "西湖区", "诸暨市")),  # a topic: not about reports
    ("浙江省宁波市的调解成功率是多少", "numeric", ()),  # 浙江省 qualifies a place with no report
])
def test_a_province_or_prefecture_named_is_the_regions_under_it(question: str, intent: str,
                                                                regions: tuple[str, ...]) -> None:
    plan = analyze(question, NESTED)
    assert (plan.intent.value, plan.filters.regions) == (intent, regions)


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
    ("哪些地方设立了行政争议调解中心？请列出并给出出处。", "list"),  # a request tail is not a wording cue
    ("哪几份报告提到了法律明白人？", "list"),
    ("帮我查一下：伊春市成立了什么仲裁机构，谢谢！", "factoid"),
    ("哪些报告属于2024年度？", "filter"),  # 属于 is no topic: no report uses it
    ("报告里有没有2019年度的？", "filter"),
    ("西湖区报告的标题是什么", "filter"),
    ("西湖区在法治建设中遇到了哪些困难", "section"),
    ("伊春的报告里写了哪些下步举措", "section"),
    ("列举提到诉源治理的地区", "list"),
    ("有没有地方在推行“一证即办”公证服务", "list"),  # whether any report does: which do
    ("南安有没有推行“一证即办”", "factoid"),  # of one place: a fact of its report
    ("诸暨市合法性审查的总体情况", "section"),
    ("诸暨那份报告的问题部分", "section"),  # a part named as such
    ("西湖的计划那块", "section"),
    ("南安行政复议纠错率有没有下降", "numeric"),  # 有没有 a change in a figure: the figure
    ("南安行政复议纠错率是否有所下降", "numeric"),
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
    # A list among one year's reports keeps the year as a filter and the topic as what to look for.
    plan = analyze("2023年度的报告中哪些提到了民法典？", RESOLVER)
    assert plan.filters.years == (2023,) and plan.topic == "民法典"


def test_figures_asked_for_and_their_units() -> None:
    assert analyze("各地行政复议纠错率分别是多少？", RESOLVER).counters == ("%",)
    assert analyze("西湖区行政复议收案多少件？", RESOLVER).counters == ("件",)
    plan = analyze("哪几份报告提到了法律明白人？", RESOLVER)
    assert plan.counters == () and not plan.wants_figure  # 哪几份 asks which reports, not how many


def test_follow_ups_are_resolved_from_history() -> None:
    # Resolved questions are normalised (half-width punctuation).
    assert analyze("那它的人民调解成功率是多少？", RESOLVER, ["西湖区打造了哪些调解室品牌？"]).resolved \
        == "西湖区人民调解成功率是多少?"
    # The earlier question asked of another place; the year belonged to the other place's report.
    assert analyze("伊春市呢？", RESOLVER, ["南安市2023年人民调解成功率是多少？"]).resolved \
        == "伊春市人民调解成功率是多少?"
    assert analyze("西湖区有哪些合规指引？", RESOLVER, ["南安市的调解"]).resolved == "西湖区有哪些合规指引?"


@pytest.mark.parametrize("question", ["伊春市下一年的重点工作", "南安市2024年工作思路", "柯城区的工作计划有哪些"])
def test_words_naming_the_part_asked_for_are_no_topic_even_run_together(question: str) -> None:
    plan = analyze(question, RESOLVER)  # 工作思路 = 工作 + 思路, 重点工作, 下一年
    assert plan.intent == "section" and plan.filters.kinds == ("工作安排",) and plan.parts == ()


def test_a_follow_up_piece_asking_without_a_topic_asks_of_the_last_turn() -> None:
    plan = analyze("分别是哪些？明年计划再建多少家？", RESOLVER, ["诸暨市创成了几个省级枫桥式司法所"])
    assert len(plan.parts) == 2 and "省级枫桥式司法" in plan.parts[0] and plan.context == ()
    # 明年 and 多少 belong to the second part: the first asks which ones there are now.
    assert plan.relative_years == (1,)
    assert plan.for_part(0).relative_years == () and plan.for_part(1).relative_years == (1,)
    assert plan.wants_figure and not plan.for_part(0).wants_figure and plan.for_part(1).wants_figure
    # A piece saying nothing asked (谢谢) adds no part; a relative year holds on into later parts.
    assert len(analyze("明年呢？谢谢", RESOLVER, ["诸暨市创成了几个省级枫桥式司法所"]).parts) == 1
    later = analyze("西湖区去年收案多少件？纠错率是多少？", RESOLVER)
    assert len(later.parts) == 2 and all(later.for_part(i).relative_years == (-1,) for i in range(2))
    # A piece that asks nothing itself (a wrapper: 帮我查一下) is asked for the question's figure.
    wrapped = analyze("帮我查一下：南安市调解了多少件纠纷，谢谢！", RESOLVER)
    assert len(wrapped.parts) == 2 and all(wrapped.for_part(i).wants_figure for i in range(2))


@pytest.mark.parametrize("variant", [
    "南安市2023年人民调解成功率是多少",  # no question mark
    "南安市 2023年 人民调解 成功率 是多少？",  # spaces between words
    "南安市2023年人民調解成功率是多少？",  # traditional characters
    "請問南安市2023年人民调解成功率是多少？",
    "南安市2023年人民调解成功率是多少？请给出出处。",
])
def test_typing_variants_analyse_alike(variant: str) -> None:
    base = analyze("南安市2023年人民调解成功率是多少？", RESOLVER)
    plan = analyze(variant, RESOLVER)
    assert (plan.intent, plan.filters, plan.parts, plan.counters) == (base.intent, base.filters, base.parts,
                                                                      base.counters)


def test_topic_fragments_drop_question_words() -> None:
    assert topic_fragments("哪些县市区设立了行政争议调解中心？") == ["设立", "行政争议调解中心"]
    assert topic_fragments("行政复议收案多少件？纠错率是多少？") == ["行政复议收案", "纠错率"]
