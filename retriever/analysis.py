"""Question analysis: normalised text, places, years, section kinds, intent, topic parts and follow-up context."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from corpus.kinds import KIND_WORDS, QUESTION_CUES
from corpus.patterns import YEAR, normalize_for_search
from retriever.conversation import resolve_follow_up
from retriever.cues import COUNTERS, INTERROGATIVE, ORDER_CUES, OUTCOME, QUANTITY_ORDER, SHAPE_WORDS
from retriever.intent import Intent, classify
from retriever.places import RegionResolver

__all__ = ["Filters", "Intent", "QueryPlan", "RegionResolver", "analyze", "topic_fragments"]

_REPORT_YEAR = re.compile(r"((?:19|20)\d{2})\s*(?:年度|年的?(?:法治政府建设)?(?:工作)?(?:报告|年报|情况))")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}\[\d{4}\]\d{1,4}号")
_PERCENT_WORDS = {"百分之百": "100%", "百分百": "100%"}
_RELATIVE_YEARS = {"明年": 1, "下一年": 1, "来年": 1, "下年度": 1, "今年": 0, "本年": 0, "当年": 0, "本年度": 0,
                   "去年": -1, "上一年": -1, "上年": -1}
_COUNTER = re.compile(r"(?:多少|(?<!哪)几)(人次|件|名|人|个|家|次|项|场|起|所|条|位|份|户|万元|元)")
_RATE = re.compile(r"(率|比例|占比|比重)$")
_PARTS = re.compile(r"[?;。!,:]|其中")
_COUNT_ASKED = re.compile(r"多少|(?<!哪)几|(率|量|数|额|比)$")  # a piece of a question asking for a figure
_ASKING = re.compile(r"哪|几|什么|多少|如何|怎么|怎样")  # a piece of a question that asks something


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

    def describe(self) -> str:
        """The restrictions in words, for messages (地区=西湖区；年份=2024)."""
        parts = [("地区", self.regions), ("年份", tuple(map(str, self.years))), ("章节类型", self.kinds),
                 ("发布单位", self.issuing_bodies)]
        return "；".join(f"{name}={'、'.join(values)}" for name, values in parts if values)


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """What retrieval and answering need to know about one question."""

    question: str  # as asked
    resolved: str  # normalised and made self-contained (follow-up context filled in)
    intent: Intent
    filters: Filters
    foreign_places: tuple[str, ...] = ()  # places named that no report is about or mentions
    named_places: tuple[str, ...] = ()  # other places named that reports mention (铁力市): evidence must name them
    quoted: tuple[str, ...] = ()  # phrases in quotation marks (normalised)
    topic: str = ""  # the topic fragments, space-separated (for messages)
    parts: tuple[tuple[str, ...], ...] = ()  # topic fragments of each part of a multi-part question
    context: tuple[str, ...] = ()  # topic fragments carried from earlier turns, weighted lower
    years: tuple[int, ...] = ()  # years the question states (about the facts, not report filters)
    relative_years: tuple[int, ...] = ()  # 明年 +1, 今年 0, 去年 -1: relative to each report's year
    # Those in scope of each part, where they differ between parts: a relative year holds from the part that
    # says it on (去年收案多少件？纠错率呢: both; 具体是哪几个？明年还打算新建几个: the second only).
    part_relative_years: tuple[tuple[int, ...], ...] = ()
    # Whether each part asks for a figure, where parts differ (具体是哪几个？…新建几个: the second only).
    part_wants_figure: tuple[bool, ...] = ()
    wants_figure: bool = False  # 多少 / 几个 / 比例…: the answer is a number
    wants_outcome: bool = False  # 效果 / 成效 / 怎么样: the answer is what came of it
    order: str | None = None  # "desc" for 最高/最多, "asc" for 最低/最少
    counters: tuple[str, ...] = ()  # the units asked for (多少件 -> 件, 纠错率 -> %)
    scores: dict[str, float] = field(default_factory=dict)  # every intent's score, for debugging

    @property
    def content(self) -> str:
        """The question's places, years and topic (and topic carried from earlier turns), without the words
        that only shape it, so 请问…, …请列出并给出出处 or a missing question mark search and score alike; a
        question without topic words as asked."""
        if not self.parts and not self.context:
            return self.resolved
        years = [f"{y}年" for y in self.years]
        return " ".join([*self.filters.regions, *self.named_places, *years, *self.fragments, *self.context])

    def for_part(self, part: int | None) -> QueryPlan:
        """The plan as one of its parts (None: the whole question) is answered."""
        if part is None:
            return self
        plan = self
        if part < len(self.part_relative_years):
            plan = replace(plan, relative_years=self.part_relative_years[part])
        if part < len(self.part_wants_figure):
            plan = replace(plan, wants_figure=self.part_wants_figure[part])
        return plan

    @property
    def fragments(self) -> tuple[str, ...]:
        """Every topic fragment of every part, in order, without repeats."""
        return tuple(dict.fromkeys(f for part in self.parts for f in part))


def topic_fragments(text: str, drop: frozenset[str] = frozenset()) -> list[str]:
    """Runs of topic words in a normalised text (places and years already removed), in order.

    A word is dropped when it only shapes the question (retriever.cues), and a counter after an
    interrogative (多少<件>); what remains is left to the corpus to weigh.
    """
    import rjieba

    fragments: list[str] = []
    current = ""
    after_interrogative = False
    for token in rjieba.cut(text):
        shape = (token in SHAPE_WORDS or _made_of(token, drop) or token.startswith("哪")
                 or not re.search(r"[\w%]", token) or (after_interrogative and token in COUNTERS))
        if shape:
            if current:
                fragments.append(current)
            current = ""
        else:
            current += token.strip()
        after_interrogative = token in INTERROGATIVE
    if current:
        fragments.append(current)
    return [f for f in fragments if len(f) >= 2 or re.fullmatch(r"\d+(?:\.\d+)?%?", f)]


def analyze(question: str, resolver: RegionResolver, history: Sequence[str] = (),
            explicit: Filters | None = None) -> QueryPlan:
    """Intent, filters, topic parts and follow-up context of a question (history: earlier user turns)."""
    normalized = _normalize_question(question)
    turns = [_normalize_question(turn) for turn in history]
    own_chars = sum(len(f) for f in _topic(normalized, resolver))
    asks_places = bool(re.search(r"哪(些|几个|几份|个|份)(县|市|区|地方|地区|报告|城市)|各地", normalized))
    resolution = resolve_follow_up(normalized, turns, resolver, own_chars, asks_places)
    resolved = resolution.text
    places = resolver.mentions(resolved)
    years = tuple(dict.fromkeys(int(m.group(1)) for m in YEAR.finditer(resolved)))
    report_years = tuple(int(m.group(1)) for m in _REPORT_YEAR.finditer(resolved))
    kinds = tuple(kind.value for kind, cue in QUESTION_CUES if cue.search(resolved))
    located = _parts_with_pieces(resolved, resolver, frozenset())
    parts = tuple(topic for topic, _ in located)
    topic_chars = sum(len(f) for part in parts for f in part if f not in KIND_WORDS)
    scores = classify(resolved, len(places.regions), bool(kinds), topic_chars)
    intent = scores.best
    # Asked for a part of a report (存在哪些问题, 下一步计划), the words naming the part are not its topic.
    drop = KIND_WORDS if kinds and intent is Intent.SECTION else frozenset()
    if drop:
        located = _parts_with_pieces(resolved, resolver, drop)
        parts = tuple(topic for topic, _ in located)
        topic_chars = sum(len(f) for part in parts for f in part)
    # Words no report uses (哪些报告属于2024年度: 属于) cannot make a question about reports one about a topic.
    said_chars = sum(len(f) for part in parts for f in part if f not in KIND_WORDS and resolver.in_reports(f))
    if intent is Intent.FILTER and said_chars and not (_DOC_NUMBER.search(resolved) or places.regions):
        intent = Intent.LIST  # 2023年度的报告中哪些提到了民法典: the reports that say so, among that year's
    if intent in (Intent.LIST, Intent.FACTOID, Intent.NUMERIC) and not said_chars and (
            report_years or (places.within and not topic_chars)):
        intent = Intent.FILTER  # 2023年度的报告有哪些, 有没有2019年度的, 浙江的有哪几份: the reports matching
    if intent is Intent.FILTER and not report_years:
        report_years = years  # 哪些报告是2023年的: a question about the reports, so its year is theirs
    context = tuple(f for f in _topic(resolution.context, resolver, drop) if f not in {x for p in parts for x in p})
    relative_years = _relative_years(resolved)
    numbers: list[int] = []  # the piece of text each part comes from
    if not any(parts) and context:
        parts, context = (context,), ()
    elif context:  # 具体是哪几个？明年还打算新建几个: a piece asking without a topic of its own asks of the last turn's
        located = _parts_with_pieces(resolved, resolver, drop, asking_without_topic=context)
        parts, numbers = tuple(topic for topic, _ in located), [number for _, number in located]
        context = tuple(f for f in context if f not in {x for p in parts for x in p})
    else:
        numbers = [number for _, number in located]
    part_relative_years = _relative_years_by_part(resolved, numbers)
    unquoted = re.sub(r'"[^"]{1,40}"', "“”", resolved)
    wants_figure = (_asks_quantity(scores.families, parts)
                    or (intent is Intent.COMPARE and QUANTITY_ORDER.search(unquoted) is not None))
    # A piece asks for a figure when it says so, or asks nothing itself (帮我查一下: the question's figure).
    counts_asked = [bool(_COUNT_ASKED.search(piece) or not _ASKING.search(piece))
                    for piece in (_PARTS.split(resolved)[number] for number in numbers)]
    filters = Filters(regions=places.regions or places.within,
                      years=report_years if intent in (Intent.FILTER, Intent.LIST) or not topic_chars else (),
                      kinds=kinds if intent is Intent.SECTION else ())
    if explicit is not None:
        filters = filters.merged(explicit)
    order = next((name for name, cue in ORDER_CUES if cue.search(unquoted)), None)  # 最高, 谁多, 哪个多
    counters = tuple(m.group(1) for m in _COUNTER.finditer(resolved))
    if any(part and _RATE.search(part[-1]) for part in parts):
        counters = (*counters, "%")  # a rate (纠错率, 占比) is stated as a percentage
    return QueryPlan(
        question=question, resolved=resolved, intent=intent, filters=filters, foreign_places=places.foreign,
        named_places=places.named_in_reports,
        quoted=tuple(re.findall(r'"([^"]{2,40})"', resolved)), topic=" ".join(f for p in parts for f in p),
        parts=parts, context=context, years=tuple(y for y in years if y not in report_years or topic_chars),
        relative_years=relative_years,
        part_relative_years=part_relative_years if any(set(r) != set(relative_years) for r in part_relative_years)
        else (),
        part_wants_figure=tuple(counts_asked) if wants_figure and any(counts_asked) and not all(counts_asked) else (),
        wants_figure=wants_figure,
        wants_outcome=any(w in resolved for w in OUTCOME), order=order, counters=counters,
        scores={str(k): v for k, v in scores.scores.items()})


def _made_of(token: str, words: frozenset[str]) -> bool:
    """Whether the token is one of words or runs them together (工作思路 = 工作 + 思路, 重点工作)."""
    if not words:
        return False
    ends = {0}  # prefix lengths that split into words
    for end in range(1, len(token) + 1):
        if any(token[start:end] in words for start in ends if start < end):
            ends.add(end)
    return len(token) in ends


def _asks_quantity(families: tuple[str, ...], parts: tuple[tuple[str, ...], ...]) -> bool:
    """多少 / 几个 / 比例, a comparison (谁多, 最高), or a topic that is a rate or an amount (…率, …总量)."""
    return ("how_many" in families or "compare" in families
            or any(part and re.search(r"(率|量|数|额|比)$", part[-1]) for part in parts))


def _normalize_question(text: str) -> str:
    text = normalize_for_search(text)
    for words, figure in _PERCENT_WORDS.items():
        text = text.replace(words, figure)
    return text


def _topic(text: str, resolver: RegionResolver, drop: frozenset[str] = frozenset()) -> list[str]:
    """Topic fragments of a normalised text: places, parents, years and document numbers removed."""
    if not text:
        return []
    text = _DOC_NUMBER.sub(" ", YEAR.sub(" ", resolver.strip(text)))
    return topic_fragments(re.sub(r"(?:19|20)\d{2}(?=年度)", " ", text), drop)


def _parts_with_pieces(text: str, resolver: RegionResolver, drop: frozenset[str],
                       asking_without_topic: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], int]]:
    """Topic fragments of each part of the question (split at ？ ； ， and 其中; parts without topic dropped),
    each with the number of the piece of text it comes from; a piece without topic that asks something (哪几个)
    takes the topic asking_without_topic when one is given."""
    parts = []
    for number, piece in enumerate(_PARTS.split(text)):
        topic = tuple(_topic(piece, resolver, drop))
        if not topic and asking_without_topic and _ASKING.search(piece):
            topic = asking_without_topic
        if topic:
            parts.append((topic, number))
    return parts


def _relative_years_by_part(text: str, numbers: Sequence[int]) -> tuple[tuple[int, ...], ...]:
    """The relative years in scope of each part (numbers: the piece of text each comes from): those said in
    its piece or an earlier one."""
    pieces = _PARTS.split(text)
    scopes = []
    for number in numbers:
        scopes.append(_relative_years("".join(pieces[:number + 1])))
    return tuple(scopes)


def _relative_years(text: str) -> tuple[int, ...]:
    """The offsets of the relative years the text says (明年 +1, 去年 -1…), in table order."""
    return tuple(dict.fromkeys(offset for word, offset in _RELATIVE_YEARS.items() if word in text))
