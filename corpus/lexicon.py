"""How specific a word is in general Chinese: jieba's background IDF table (a large general corpus).

A report corpus of a few documents cannot tell a general verb (推广, 学习) from a rare, telling name
(枫桥): both may occur in a handful of sentences. The background table can: it ships with the jieba
package (jieba/analyse/idf.txt), so it works offline. Scores are relative to the table's median, so
a common word weighs about half as much as a rare one.
"""

from __future__ import annotations

import statistics
from functools import lru_cache
from importlib import resources

LOW, HIGH = 0.35, 1.0


@lru_cache(maxsize=1)
def background_idf() -> dict[str, float]:
    """Word -> IDF in jieba's general corpus (loaded once, about 270,000 words)."""
    table: dict[str, float] = {}
    with resources.files("jieba.analyse").joinpath("idf.txt").open(encoding="utf-8") as handle:
        for line in handle:
            word, _, value = line.rstrip().partition(" ")
            if value:
                table[word] = float(value)
    return table


@lru_cache(maxsize=1)
def _median() -> float:
    return statistics.median(background_idf().values())


def specificity(word: str) -> float:
    """Between 0.35 (very common in general Chinese) and 1 (rare, or unknown to the general corpus)."""
    idf = background_idf().get(word)
    if idf is None:
        return HIGH
    return min(HIGH, max(LOW, idf / _median()))
