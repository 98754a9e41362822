"""Question analysis: places, years and section kinds the question names, its intent, and follow-up context."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corpus.gazetteer import gazetteer, short_form

_KIND_CUES = (
    ("存在问题", re.compile(r"存在(哪些|什么|的)?(问题|不足)|问题(和|与)不足|"
                        r"(哪些|什么)(问题|不足|短板)|短板|差距")),
    ("工作安排", re.compile(r"(下一步|明年|今后|下一年|来年)|工作(安排|计划|思路|打算)|"
                        r"(有何|有什么|有哪些)(安排|计划|打算)")),
    ("第一责任人履职", re.compile(r"第一责任人|主要负责人(履行|履职)")),
)
_INTENT_CUES = (
    ("wording", re.compile(r"表述|原文|措辞|怎么写|如何写|写法|提法|借鉴|范文|表达")),
    ("compare", re.compile(r"比较|对比|相比|哪个(更|较)(高|低|多|少|好)|分别是?多少|"
                           r"有何(不同|异同)|异同")),
    ("filter", re.compile(r"(哪个|哪些|哪一?个?)(地区|地方|县|区|市|单位|部门)的?(报告)?[？?]?$|"
                          r"是哪(个|里|些)(地区|地方)?的[？?]?$|哪(份|些|几份)报告|报告有哪些|有哪些报告")),
    ("list", re.compile(r"哪些(县|市|区|地方|地区|报告|单位)|哪几个|各地|各(县|市|区)|"
                        r"有几个(县|市|区|地方)|都有谁|哪些(提到|提及|涉及|说到|谈到|写到)")),
    ("numeric", re.compile(r"多少|几(个|家|名|件|次|人|项|场|起|所|条)|比例|比率|百分|"
                           r"(率|比)(是|为|达到)?多(少|高)|多大|增长了?|下降(到|了)")),
    ("section", re.compile(r"怎么(样|建设|运作|开展|推进|做|落实)|如何(建设|运作|开展|推进|做|落实)|是怎样|"
                           r"哪些(问题|不足|措施|做法|举措)|(采取|有)了?哪些(措施|做法|举措)|"
                           r"主要(做法|举措|措施|成效)|情况如何|(安排|计划|打算)")),
)
_FIGURE_CUE = _INTENT_CUES[4][1]
_EVERY_PLACE = re.compile(r"各地|各(县|市|区)|分别|每个(县|市|区|地方)")
_FOLLOW_UP = re.compile(r"^(那|那么|那它|它|其|该|这|此|还有|同样|另外)|它的|其(中的)?|该(地|区|市|县)|"
                        r"^.{0,12}呢[？?]?$")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(度)?")
_REPORT_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?的?(法治政府建设)?(工作)?(报告|年报)")


@dataclass(frozen=True, slots=True)
class Filters:
    """Metadata restrictions; empty means no restriction."""

    regions: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    kinds: tuple[str, ...] = ()
    issuing_bodies: tuple[str, ...] = ()

    def merged(self, other: Filters) -> Filters:
        """Explicit filters (other) win over inferred ones, field by field."""
        return Filters(other.regions or self.regions, other.years or self.years, other.kinds or self.kinds,
                       other.issuing_bodies or self.issuing_bodies)

    def is_empty(self) -> bool:
        """Whether nothing is restricted."""
        return not (self.regions or self.years or self.kinds or self.issuing_bodies)


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """What retrieval and answering need to know about one question."""

    question: str  # as asked
    resolved: str  # with follow-up context made explicit
    intent: str
    filters: Filters
    foreign_places: tuple[str, ...] = ()  # places named that no report in the corpus covers
    quoted: tuple[str, ...] = ()
    topic: str = ""  # the content words, places, years and question words removed
    wants_figure: bool = False  # 多少 / 几个 / 比例…: the answer is a number


class RegionResolver:
    """Maps full and short place names in text to the corpus's regions; spots places outside it."""

    def __init__(self, corpus_regions: Iterable[str], corpus_parents: Iterable[str] = ()) -> None:
        self.regions = sorted(set(filter(None, corpus_regions)))
        self.aliases: dict[str, str] = {}
        for region in self.regions:
            self.aliases[region] = region
            if len(short_form(region)) >= 2:
                self.aliases.setdefault(short_form(region), region)
        self.parents = {p for p in corpus_parents if p} | {short_form(p) for p in corpus_parents if p}
        names = sorted(self.aliases, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, names))) if names else None

    def regions_in(self, text: str) -> list[str]:
        """Corpus regions the text names, in order of first mention."""
        if self._pattern is None:
            return []
        found: list[str] = []
        for match in self._pattern.finditer(text):
            region = self.aliases[match.group(0)]
            if region not in found:
                found.append(region)
        return found

    def foreign_places(self, text: str) -> list[str]:
        """Full place names in the text that are neither corpus regions nor their parents."""
        out = []
        for name in gazetteer().mentions(text):
            if name in self.aliases or name in self.parents or short_form(name) in self.parents:
                continue
            if any(name in region or region in name for region in self.regions):
                continue
            out.append(name)
        return out

    def strip(self, text: str) -> str:
        """Text with corpus place names removed."""
        return self._pattern.sub(" ", text) if self._pattern else text


# Words that shape a question but are not its topic; dropped token by token after segmentation.
_QUESTION_TOKENS = frozenset((
    "请问", "请", "哪些", "哪个", "哪几个", "哪里", "哪", "什么", "多少", "几个", "几家", "几名", "几件",
    "几次", "是否", "有没有", "有无", "如何", "怎么样", "怎么", "怎样", "怎", "么", "样", "吗", "呢", "呀",
    "给出", "列出", "介绍", "一下", "说明", "具体", "可", "借鉴", "可借鉴", "原文", "表述", "方面", "有关",
    "关于", "相关", "情况", "分别", "比较", "对比", "各地", "各个", "地区", "地方", "县市区", "县", "市", "区",
    "报告", "提到", "提及", "是", "了", "的", "在", "有", "和", "与", "及", "中", "对", "为", "都", "也", "还",
    "其中", "它", "其", "该", "那", "这", "年度", "工作", "达到", "多高", "多大", "哪一个", "几", "是从", "到",
    "以及", "并", "等", "又", "我", "想", "知道", "问", "个", "做法", "样的", "名", "件", "家", "起", "次",
    "人", "项", "场", "所", "条", "位", "多少次", "多少件", "多少名", "多少个",
))


def topic_fragments(text: str) -> list[str]:
    """Runs of content words of a question (places and years already stripped), in order."""
    import rjieba

    fragments: list[str] = []
    current = ""
    for token in rjieba.cut(text):
        if token in _QUESTION_TOKENS or token.startswith("哪") or not re.search(r"[\w%]", token):
            if current:
                fragments.append(current)
            current = ""
        else:
            current += token.strip()
    if current:
        fragments.append(current)
    return [f for f in fragments if len(f) >= 2]


def analyze(question: str, resolver: RegionResolver, history: Sequence[str] = (),
            explicit: Filters | None = None) -> QueryPlan:
    """Intent, filters and topic of a question, with 它/那/呢 resolved from earlier user turns."""
    resolved = resolve_follow_up(question, resolver, history)
    regions = tuple(resolver.regions_in(resolved))
    report_years = tuple(int(m.group(1)) for m in _REPORT_YEAR.finditer(resolved))
    kinds = tuple(kind for kind, cue in _KIND_CUES if cue.search(resolved))
    intent = next((name for name, cue in _INTENT_CUES if cue.search(resolved)), "factoid")
    wants_figure = bool(_FIGURE_CUE.search(resolved))
    topic = " ".join(topic_fragments(_YEAR.sub(" ", resolver.strip(resolved))))
    if intent == "compare" and len(regions) < 2:
        # "各地…分别是多少": every report's figure; a comparison needs two places.
        intent = "list" if not regions and _EVERY_PLACE.search(resolved) else ("numeric" if wants_figure else "list")
    if intent == "list" and len(regions) == 1:
        intent = "factoid"  # 西湖区打造了哪些…: one report's own list
    if intent == "filter" and (not (report_years or kinds) or topic):
        intent = "list" if not regions else "factoid"  # a topic remains: the year is a filter, not the question
    if intent in ("numeric", "factoid") and kinds and regions:
        intent = "section"
    filters = Filters(regions=regions, years=report_years, kinds=kinds if intent == "section" else ())
    if explicit is not None:
        filters = filters.merged(explicit)
    quoted = tuple(q for q in re.findall(r"[“\"]([^”\"]{2,40})[”\"]", resolved))
    return QueryPlan(question, resolved, intent, filters, tuple(resolver.foreign_places(resolved)), quoted, topic,
                     wants_figure)


def resolve_follow_up(question: str, resolver: RegionResolver, history: Sequence[str]) -> str:
    """Make a follow-up self-contained: carry the place (and for 'X呢？' the question) over from history."""
    if not history or (resolver.regions_in(question) and not question.rstrip("？?").endswith("呢")):
        return question
    previous = next((turn for turn in reversed(history) if resolver.regions_in(turn)), None)
    if previous is None:
        return question
    current_regions = resolver.regions_in(question)
    short = len(re.sub(r"[？?！!。，,\s]", "", question)) <= 8
    if current_regions and short and question.rstrip("？? ").endswith("呢"):
        # "伊春市呢？": the previous question, asked of another place.
        swapped = previous
        for region in resolver.regions_in(previous):
            for alias in sorted((a for a, r in resolver.aliases.items() if r == region), key=len, reverse=True):
                swapped = swapped.replace(alias, current_regions[0])
        return swapped
    if not current_regions and _FOLLOW_UP.search(question):
        places = "、".join(resolver.regions_in(previous))
        body = re.sub(r"^(?:那么|那|它的|它|其|该地|该)+", "", question)
        return f"{places}{body}"
    return question

