"""How well a sentence matches a question's topic: verbatim runs of the question's content words.

Reports state a topic in a heading or a lead-in sentence and the figures in the next sentence, so
runs found only in a sentence's context (its section path, the sentence before it) count half.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.analysis import normalize_for_search

_NUMBER = re.compile(r"\d+(?:\.\d+)?%?")
_YEAR = re.compile(r"(?:19|20)\d{2}")
_YEAR_RUN = re.compile(r"(?:19|20)?\d{0,2}年?度?")
STRONG_RUN = 6  # a verbatim run this long is as strong as a whole phrase


@dataclass(frozen=True, slots=True)
class Match:
    """Coverage of the topic by runs of 2+ characters, the longest run in the sentence itself, figures."""

    coverage: float
    longest: float
    numbers_ok: bool
    run_share: float = 0.0  # longest run over the widest fragment, uncapped

    @property
    def score(self) -> float:
        """Half coverage, half longest-run share: a long verbatim phrase beats scattered characters."""
        return 0.5 * self.coverage + 0.5 * self.longest if self.numbers_ok else 0.0


def normalized_fragments(fragments: list[str]) -> list[str]:
    """Fragments in the normalised form sentences are compared in."""
    return [normalize_for_search(f) for f in fragments if f]


def match(fragments: list[str], sentence: str, context: str = "") -> Match:
    """Match normalised fragments against a normalised sentence and its normalised context."""
    total = sum(len(f) for f in fragments)
    if not total:
        return Match(0.0, 0.0, True)
    covered = 0.0
    longest = 0
    for fragment in fragments:
        i = 0
        while i < len(fragment):
            length = _longest_prefix_in(fragment, i, sentence)
            if length >= 2:
                covered += length
                if not _YEAR_RUN.fullmatch(fragment[i:i + length]):  # "2023年" alone says little
                    longest = max(longest, length)
                i += length
                continue
            length = _longest_prefix_in(fragment, i, context) if context else 0
            if length >= 2:
                covered += length / 2
                i += length
            else:
                i += 1
    numbers = [n for f in fragments for n in _NUMBER.findall(f) if not _YEAR.fullmatch(n)]
    widest = max(len(f) for f in fragments)
    return Match(covered / total, min(1.0, longest / min(STRONG_RUN, widest)), all(n in sentence for n in numbers),
                 longest / widest)


def _longest_prefix_in(fragment: str, start: int, sentence: str) -> int:
    low, high = 0, len(fragment) - start
    # Substring presence is monotone in the prefix length, so binary search the longest one.
    while low < high:
        middle = (low + high + 1) // 2
        if fragment[start:start + middle] in sentence:
            low = middle
        else:
            high = middle - 1
    return low


def has_figure(sentence: str) -> bool:
    """Whether the sentence states a figure other than a year."""
    return any(not _YEAR.fullmatch(n) for n in re.findall(r"\d+(?:\.\d+)?", sentence))


_FIGURE = re.compile(r"\d+(?:\.\d+)?")


def figure_near(fragments: list[str], sentence: str, window: int = 4) -> bool:
    """Whether a figure (not a year) stands within a few characters of a fragment in the sentence."""
    for fragment in fragments:
        position = sentence.find(fragment)
        while position != -1:
            nearby = sentence[max(0, position - window): position + len(fragment) + window]
            if any(not _YEAR.fullmatch(n) for n in _FIGURE.findall(nearby)):
                return True
            position = sentence.find(fragment, position + 1)
    return False


def contains_head(head: str, sentence: str) -> bool:
    """The head phrase verbatim, or (for a long head) covered by runs of which the last holds its final word.

    "行政复议纠错率" counts in "行政复议收案845件,纠错30件,纠错率4.92%"; "行政争议调解中心" does not
    count in a sentence that only has "行政争议…综治中心…调解".
    """
    if head in sentence:
        return True
    if len(head) < 5:
        return False
    covered, i, last_run = 0, 0, 0
    while i < len(head):
        length = _longest_prefix_in(head, i, sentence)
        if length >= 2:
            covered += length
            last_run = length if i + length == len(head) else last_run
            i += length
        else:
            i += 1
    return covered / len(head) >= 0.8 and last_run >= 3
