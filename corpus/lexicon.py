"""How specific a word is in general Chinese: jieba's background IDF table (a large general corpus).

A report corpus of a few documents cannot tell a general verb (推广, 学习) from a rare, telling name
(枫桥): both may occur in a handful of sentences. The background table can: it ships with the jieba
package (jieba/analyse/idf.txt), so it works offline. Scores are relative to the table's median, so
a common word weighs about half as much as a rare one.

The table is read from its file without importing jieba.analyse, whose import loads this table and jieba's
part-of-speech dictionary (about 100 MB and 0.6 s), and only the words asked about are kept.
"""

from __future__ import annotations

import importlib.util
import statistics
from array import array
from collections.abc import Collection
from pathlib import Path

LOW, HIGH = 0.35, 1.0


def _idf_file() -> Path:
    spec = importlib.util.find_spec("jieba")  # finds the package without importing it
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("jieba is not installed: its background IDF table is needed")
    return Path(spec.origin).parent / "analyse" / "idf.txt"


def specificities(words: Collection[str]) -> dict[str, float]:
    """Each word's specificity: between 0.35 (very common in general Chinese) and 1 (rare, or unknown to the
    general corpus)."""
    wanted = set(words)
    idf: dict[str, float] = {}
    values = array("d")
    with _idf_file().open(encoding="utf-8") as handle:
        for line in handle:
            word, _, value = line.rstrip().partition(" ")
            if value:
                values.append(float(value))
                if word in wanted:
                    idf[word] = values[-1]
    median = statistics.median(values)
    return {word: min(HIGH, max(LOW, idf[word] / median)) if word in idf else HIGH for word in words}
