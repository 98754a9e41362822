"""What kind of answer a question wants: an intent scored from cue families and the question's structure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from retriever.cues import CUE_FAMILIES


class Intent(StrEnum):
    """The kinds of answer the assistant composes (one answer builder each)."""

    LIST = "list"  # every report that says so
    NUMERIC = "numeric"  # a figure
    FACTOID = "factoid"  # a name, a mechanism, a fact
    SECTION = "section"  # the points of a part of a report (problems, plans, how something was done)
    COMPARE = "compare"  # the same thing for several named places
    WORDING = "wording"  # verbatim precedent wording for drafters
    FILTER = "filter"  # which reports match some metadata


# Weight of each cue family for each intent; an intent's score is the sum over the families present.
CUE_WEIGHTS: dict[Intent, dict[str, float]] = {
    Intent.LIST: {"which_places": 2.0, "every_place": 1.5, "any_place": 1.25},  # any_place under how_many (有没有下降)
    Intent.COMPARE: {"compare": 2.0},
    Intent.NUMERIC: {"how_many": 1.5},
    Intent.FACTOID: {"what": 1.0},
    Intent.SECTION: {"how": 1.0},
    Intent.WORDING: {"wording": 4.0},
    Intent.FILTER: {"metadata": 2.5},
}
PRIOR = {Intent.FACTOID: 0.5}
TIE_ORDER = (Intent.WORDING, Intent.FILTER, Intent.COMPARE, Intent.SECTION, Intent.LIST, Intent.NUMERIC,
             Intent.FACTOID)


@dataclass(frozen=True, slots=True)
class IntentScores:
    """Every intent's score and the families that fired, for debugging and tests."""

    scores: dict[Intent, float]
    families: tuple[str, ...]

    @property
    def best(self) -> Intent:
        """The highest-scoring intent; ties go to the more specific one."""
        return max(TIE_ORDER, key=lambda intent: (self.scores[intent], -TIE_ORDER.index(intent)))


def classify(question: str, regions: int, asks_kind: bool, topic_chars: int) -> IntentScores:
    """Score the intents of a normalised question (quoted phrases masked: “最多跑一次” is a name, not a cue).

    regions: how many corpus regions it names; asks_kind: it names a part of a report (问题, 计划…);
    topic_chars: characters of topic left once cue words, places and years are removed.
    """
    question = re.sub(r'"[^"]{1,40}"', "“”", question)
    families = tuple(name for name, cue in CUE_FAMILIES.items() if cue.search(question))
    scores = {intent: PRIOR.get(intent, 0.0) + sum(CUE_WEIGHTS[intent].get(f, 0.0) for f in families)
              for intent in Intent}
    if regions >= 2:
        scores[Intent.COMPARE] += 2.0  # several named places: the same thing for each
        scores[Intent.LIST] -= 2.0
    if regions == 1:
        scores[Intent.LIST] -= 3.0  # one report's own list is a fact of that report
    if asks_kind and regions >= 1 and "how_many" not in families:
        scores[Intent.SECTION] += 2.5  # 存在哪些问题 / 下一步计划 of a report (多少 asks a figure of the plan)
    if topic_chars >= 4:
        scores[Intent.FILTER] -= 3.0  # a topic remains: the report metadata is a filter, not the question
    return IntentScores(scores, families)
