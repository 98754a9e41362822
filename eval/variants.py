"""Meaning-preserving rewrites of questions, in families, for metamorphic testing.

The same question typed another way (a request tail, a colloquial wrapper, spaces between words,
traditional characters, a place's short name…) must get an equally correct answer. Each family is a
general rewrite of any question, never a list of particular questions; a family that does not apply
to a question (no place name to shorten, no natural reordering) yields None for it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from corpus.gazetteer import gazetteer, short_form

Rewrite = Callable[[str, "PlaceForms"], str | None]

_END = re.compile(r"[？?。.！!\s]+$")
_FULL_TO_HALF = str.maketrans({"，": ",", "？": "?", "：": ":", "；": ";", "！": "!", "（": "(", "）": ")",
                               "“": '"', "”": '"'})
_HALF_TO_FULL = str.maketrans({",": "，", "?": "？", ":": "：", ";": "；", "!": "！", "(": "（", ")": "）"})


@dataclass(frozen=True, slots=True)
class PlaceForms:
    """Full and short names of places, so a rewrite can swap one for the other (诸暨市 ↔ 诸暨)."""

    short_to_full: Mapping[str, str]

    @classmethod
    def of_regions(cls, regions: list[str]) -> PlaceForms:
        """Forms of the corpus's regions (others are found in the question by the gazetteer)."""
        return cls({short_form(r): r for r in regions if short_form(r) != r})

    def swap(self, question: str) -> str | None:
        """Every full place name shortened, or, when there is none, every short name made full."""
        full_names = [n for n in gazetteer().mentions(question) if short_form(n) != n]
        if full_names:
            for name in sorted(full_names, key=len, reverse=True):
                question = question.replace(name, short_form(name))
            return question
        shorts = [s for s in sorted(self.short_to_full, key=len, reverse=True)
                  if re.search(re.escape(s) + r"(?![市区县])", question)]
        if not shorts:
            return None
        for short in shorts:
            question = re.sub(re.escape(short) + r"(?![市区县])", self.short_to_full[short], question)
        return question


def _pick(question: str, family: str, options: tuple[str, ...]) -> str:
    """A template chosen by a hash of the question, so runs are repeatable and templates vary."""
    digest = hashlib.blake2b(f"{family}\0{question}".encode(), digest_size=4).digest()
    return options[int.from_bytes(digest, "little") % len(options)]


def _body(question: str) -> str:
    return _END.sub("", question.strip())


def request_tail(question: str, places: PlaceForms) -> str:
    """A request for sources after the question (…？请列出并给出出处。)."""
    tail = _pick(question, "tail", ("请列出并给出出处。", "请附上原文和出处。", "请给出具体出处，谢谢。",
                                    "要有原文依据。", "列一下，附出处"))
    return f"{_body(question)}？{tail}"


def colloquial(question: str, places: PlaceForms) -> str:
    """A colloquial wrapper around the question (帮我查一下：…，谢谢！)."""
    template = _pick(question, "colloquial", ("帮我查一下：{q}，谢谢！", "我想了解一下，{q}？", "能帮我看看{q}吗？",
                                              "问一下哈，{q}？", "麻烦查查{q}，多谢"))
    return template.format(q=_body(question))


def politeness(question: str, places: PlaceForms) -> str:
    """A polite opening or closing (请问…, 您好，请问…)."""
    template = _pick(question, "polite", ("请问{q}？", "您好，请问{q}？", "{q}？麻烦您了。", "劳驾问一下，{q}？"))
    return template.format(q=_body(question))


def spacing(question: str, places: PlaceForms) -> str:
    """Spaces between words, as some people type."""
    import rjieba

    words = [w for w in rjieba.cut(question) if w.strip()]
    return " ".join(words)


def punctuation_width(question: str, places: PlaceForms) -> str | None:
    """Full-width punctuation made half-width (or the other way round when there is none)."""
    half = question.translate(_FULL_TO_HALF)
    if half != question:
        return half
    full = question.translate(_HALF_TO_FULL)
    return full if full != question else None


def no_question_mark(question: str, places: PlaceForms) -> str | None:
    """The question without its closing mark."""
    bare = _END.sub("", question)
    return bare if bare != question else None


@lru_cache(maxsize=1)
def _to_traditional() -> Any:
    import opencc

    return opencc.OpenCC("s2t")


def traditional(question: str, places: PlaceForms) -> str | None:
    """Traditional characters (a user on a traditional-character input method)."""
    converted = str(_to_traditional().convert(question))
    return converted if converted != question else None


def place_form(question: str, places: PlaceForms) -> str | None:
    """Places named in their short form instead of in full, or in full instead of short."""
    return places.swap(question)


_YEAR = r"(?:19|20)\d{2}年度?"
_LIST_NOUN = r"(县市区|县市|县区|市县|地方|地区|报告|县|区|市|单位)"


def word_order(question: str, places: PlaceForms) -> str | None:
    """A natural reordering: place and year swapped, or a 哪些-question's noun moved to the end."""
    place = _place_pattern(places)
    if place:
        swapped = re.sub(rf"^({place})({_YEAR})", r"\2\1", question, count=1)
        if swapped == question:
            swapped = re.sub(rf"^({_YEAR})({place})", r"\2\1", question, count=1)
        if swapped != question:
            return swapped
    match = re.match(rf"^(?:请问)?(哪些|哪几个|哪几份){_LIST_NOUN}的?(.{{3,}}?)[？?]?$", question)
    if match and not re.search(r"[？?]", match.group(3)):
        return f"{match.group(3)}的{match.group(2)}有哪些？"
    return None


def _place_pattern(places: PlaceForms) -> str:
    names = {*places.short_to_full, *places.short_to_full.values()}
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class VariantFamily:
    """One kind of meaning-preserving rewrite."""

    name: str
    description: str
    rewrite: Rewrite


FAMILIES: tuple[VariantFamily, ...] = (
    VariantFamily("request_tail", "请列出并给出出处 and other request tails", request_tail),
    VariantFamily("colloquial", "帮我查一下：…，谢谢！ and other colloquial wrappers", colloquial),
    VariantFamily("politeness", "请问 / 您好 / 麻烦您了", politeness),
    VariantFamily("spacing", "spaces between words", spacing),
    VariantFamily("punctuation_width", "full-width ↔ half-width punctuation", punctuation_width),
    VariantFamily("no_question_mark", "no closing question mark", no_question_mark),
    VariantFamily("traditional", "traditional characters", traditional),
    VariantFamily("place_form", "short ↔ full place names", place_form),
    VariantFamily("word_order", "place/year swapped, 哪些-noun moved to the end", word_order),
)


def variants_of(question: str, places: PlaceForms) -> dict[str, str]:
    """Each applicable family's rewrite of the question, by family name."""
    out = {}
    for family in FAMILIES:
        rewritten = family.rewrite(question, places)
        if rewritten and rewritten != question:
            out[family.name] = rewritten
    return out
