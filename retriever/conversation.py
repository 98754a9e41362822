"""Chat history: the user's earlier turns, and what a follow-up takes from them (defined once)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from corpus.patterns import YEAR
from retriever.cues import FOLLOW_UP
from retriever.places import RegionResolver


class HistoryError(ValueError):
    """Chat history that is not a list of turns."""


def user_turns(history: Any) -> list[str]:
    """The user's earlier questions, oldest first, from [{role, content}, …] or a list of strings."""
    if history is None:
        return []
    if not isinstance(history, list):
        raise HistoryError("history must be a JSON list of turns such as [{\"role\": \"user\", \"content\": \"…\"}]")
    turns = []
    for turn in history:
        if isinstance(turn, str):
            turns.append(turn)
        elif isinstance(turn, dict) and turn.get("role", "user") == "user" and turn.get("content"):
            turns.append(str(turn["content"]))
    return turns


def parse_history_json(text: str | None) -> list[str]:
    """User turns from a JSON string (the web API's history argument); a clear error for anything else."""
    if not text or not text.strip():
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HistoryError(f"history is not valid JSON ({exc.msg} at character {exc.pos}); send a JSON list "
                           "of turns such as [{\"role\": \"user\", \"content\": \"…\"}]") from None
    return user_turns(data)


@dataclass(frozen=True, slots=True)
class Resolution:
    """A follow-up made self-contained."""

    text: str  # the question to analyse (normalised)
    regions: tuple[str, ...]  # places carried over from earlier turns (empty when the question names its own)
    context: str  # the earlier question whose topic the follow-up continues ("" when independent)


def resolve_follow_up(question: str, history: Sequence[str], resolver: RegionResolver,
                      own_topic_chars: int, asks_places: bool) -> Resolution:
    """Carry the place, and for "伊春呢？" the whole question, over from earlier (normalised) turns.

    own_topic_chars: how much topic the question has of its own once cue words and places are removed;
    asks_places: it asks which places (a new list question does not inherit the earlier place).
    """
    if not history:
        return Resolution(question, (), "")
    previous = next((turn for turn in reversed(history) if resolver.regions_in(turn)), history[-1])
    named = resolver.regions_in(question)
    follows = bool(FOLLOW_UP.search(question)) or own_topic_chars <= 2 or not asks_places
    if named:
        if own_topic_chars <= 2 and follows:
            # "伊春市呢？" / "这个数在南安是多少？": the earlier question, asked of another place; its year
            # belonged to the other place's report.
            swapped = previous
            for region in resolver.regions_in(previous):
                for alias in sorted((a for a, r in resolver.aliases.items() if r == region), key=len, reverse=True):
                    swapped = swapped.replace(alias, "")
            if not YEAR.search(question):
                swapped = YEAR.sub("", swapped)
            return Resolution("".join(named) + swapped, (), "")
        return Resolution(question, (), "")
    if not follows:
        return Resolution(question, (), "")
    carried = tuple(resolver.regions_in(previous))
    body = re.sub(r"^(?:那么|那|它的|它|其|该地|该|他们|她们)+", "", question)
    return Resolution("".join(carried) + body, carried, previous)
