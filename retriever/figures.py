"""Finding an indicator's figures across reports: name grouping, and the indicator a question asks about.

Indicator names vary between reports (行政机关负责人出庭率 / 负责人出庭率, 人民调解成功率 /
调解成功率). Two names are one indicator when one ends with the other (the head noun of Chinese
noun phrases is at the end, so a shorter name of three characters or more is the same measure with
less qualification) or when they end alike and their character bigrams overlap strongly (Dice ≥ 0.6). A settings file
may name the group of any indicator explicitly (index.figures.load_overrides).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from corpus.patterns import normalize_for_search
from index.figures import FigureRow, FigureStore

MIN_HEAD = 3  # characters of the shortest name that still says what is measured (败诉率, 出庭率)
DICE_SAME = 0.6


@dataclass(frozen=True, slots=True)
class FigureMatch:
    """A figure row with the name of the indicator group it belongs to."""

    row: FigureRow
    group: str


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def same_indicator(a: str, b: str) -> bool:
    """Whether two (normalised) indicator names measure the same thing (see the module docstring)."""
    short, long = sorted((a, b), key=len)
    if len(short) >= MIN_HEAD and long.endswith(short):
        return True
    grams_a, grams_b = _bigrams(a), _bigrams(b)
    if not grams_a or not grams_b:
        return a == b
    return 2 * len(grams_a & grams_b) / (len(grams_a) + len(grams_b)) >= DICE_SAME


def group_indicators(names: Sequence[str], overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Indicator name -> group name; a group is named by its members' common ending, or its commonest member."""
    overrides = overrides or {}
    distinct = sorted(set(names), key=lambda n: (len(n), n))
    parent = {n: n for n in distinct}

    def find(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    free = [n for n in distinct if n not in overrides]
    # Only names ending in the same character can share a head noun: compare within those buckets.
    buckets: dict[str, list[tuple[str, str]]] = {}
    for name in free:
        plain = normalize_for_search(name)
        buckets.setdefault(plain[-1:], []).append((name, plain))
    for bucket in buckets.values():
        for i, (a, plain_a) in enumerate(bucket):
            for b, plain_b in bucket[i + 1:]:
                if find(a) != find(b) and same_indicator(plain_a, plain_b):
                    parent[find(b)] = find(a)
    members: dict[str, list[str]] = {}
    for name in free:
        members.setdefault(find(name), []).append(name)
    counts = Counter(names)
    groups = {name: overrides[name] for name in distinct if name in overrides}
    for group in members.values():
        label = _common_ending(group)
        if len(label) < MIN_HEAD:
            label = max(group, key=lambda n: (counts[n], -len(n)))
        groups.update({name: label for name in group})
    return groups


def _common_ending(names: Sequence[str]) -> str:
    ending = names[0]
    for name in names[1:]:
        size = 0
        while size < min(len(ending), len(name)) and ending[-1 - size] == name[-1 - size]:
            size += 1
        ending = ending[len(ending) - size:]
    return ending


def find_figures(store: FigureStore, query: str = "", region: str | None = None, year: int | None = None,
                 overrides: Mapping[str, str] | None = None) -> list[FigureMatch]:
    """Rows whose indicator contains the query, grouped, one per report, indicator and value."""
    rows = store.rows(query, region, year)
    groups = group_indicators([r.indicator for r in rows], overrides)
    seen: set[tuple[str, str, float, str]] = set()
    out: list[FigureMatch] = []
    for row in rows:
        key = (row.source, row.indicator, row.value, row.unit)
        if key not in seen:
            seen.add(key)
            out.append(FigureMatch(row, groups[row.indicator]))
    return out


def asked_indicator(question: str, names: Sequence[str]) -> str:
    """The longest ending (≥ 3 characters) of a known indicator name the question contains, or ""."""
    text = normalize_for_search(question)
    best = ""
    for name in names:
        plain = normalize_for_search(name)
        for size in range(len(plain), max(len(best), MIN_HEAD - 1), -1):
            if plain[-size:] in text:
                best = plain[-size:]
                break
    return best
