"""Patterns of the genre defined once: years, figures, CJK text, and the normalised form text is matched in."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

YEAR = re.compile(r"((?:19|20)\d{2})\s*年")  # 2023年 (a year stated as one)
YEAR_NUMBER = re.compile(r"(?:19|20)\d{2}")  # a bare number that reads as a year
NUMBER = re.compile(r"\d+(?:\.\d+)?")
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(f"[{CJK}]+")
# White space next to a CJK character or CJK punctuation is a typing habit, not a word boundary.
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{CJK}\u3000-\u303f\uff00-\uffef，。、；：？！“”‘’（）《》])\s+|"
                             rf"\s+(?=[{CJK}\u3000-\u303f\uff00-\uffef，。、；：？！“”‘’（）《》])")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"', "『": '"', "』": '"',
                         "〔": "[", "〕": "]", "【": "[", "】": "]", "—": "-", "～": "~"})


def figures_in(text: str) -> list[str]:
    """Numbers in text that are not years (counts, rates, amounts)."""
    return [n for n in NUMBER.findall(text) if not YEAR_NUMBER.fullmatch(n)]


def has_figure(text: str) -> bool:
    """Whether the text states a figure other than a year."""
    return bool(figures_in(text))


@lru_cache(maxsize=1)
def _to_simplified() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def normalize_for_search(text: str) -> str:
    """The form questions and report text are compared in; never used for quoting.

    NFKC (full-width letters, digits and punctuation become half-width), traditional -> simplified
    (OpenCC), white space next to CJK removed, quotes and brackets unified, lower case.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _SPACE_NEAR_CJK.sub("", _to_simplified().convert(text))
    return text.translate(_QUOTES).lower()
