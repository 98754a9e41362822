"""Extraction precision and recall of figure rows against a figures gold set (eval/gold/figures.jsonl).

An extracted row matches a gold row when both come from the same report, state the same value (as a
number) in the same unit, and their indicators agree loosely: one contains the other, or they share
at least two character bigrams and these make up at least half of the bigrams of either indicator
(the gold writer often adds context the clause leaves implicit: 发放绩效工资 / 发放社区矫正社会工作者
绩效工资). Matching is one to one: each gold row is taken by at most one extracted row, best indicator agreement first.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

INDICATOR_OVERLAP = 0.5


class GoldFigure(BaseModel):
    """One hand-checked figure row of the gold set."""

    source: str
    region: str = ""
    indicator: str
    value: str
    unit: str
    approx: bool = False
    qualifier: str = ""
    quote: str = ""


@dataclass(frozen=True, slots=True)
class ExtractedFigure:
    """What the scorer needs of an extracted row."""

    source: str
    indicator: str
    value: float
    unit: str
    quote: str = ""


@dataclass(frozen=True, slots=True)
class FigureScores:
    """Precision, recall and the rows that did not match (for reading, not scoring)."""

    precision: float
    recall: float
    matched: int
    extracted: int
    gold: int
    unmatched_extracted: tuple[ExtractedFigure, ...]
    missed_gold: tuple[GoldFigure, ...]


def load_gold_figures(path: Path) -> list[GoldFigure]:
    """The rows of a figures gold file (JSON lines)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [GoldFigure.model_validate(json.loads(line)) for line in lines if line.strip()]


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} or {text}


def indicator_agreement(gold: str, extracted: str) -> float:
    """1.0 when one indicator contains the other, else the larger share of either's bigrams found in the other."""
    gold, extracted = _plain(gold), _plain(extracted)
    if gold and extracted and (gold in extracted or extracted in gold):
        return 1.0
    gold_grams, extracted_grams = _bigrams(gold), _bigrams(extracted)
    shared = len(gold_grams & extracted_grams)
    if shared < 2:
        return 0.0
    return max(shared / len(gold_grams), shared / len(extracted_grams))


def _plain(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def score_figures(extracted: Sequence[ExtractedFigure], gold: Sequence[GoldFigure],
                  sources: Iterable[str] | None = None) -> FigureScores:
    """Match extracted rows to gold rows (see the module docstring); only reports in sources count if given."""
    wanted = set(sources) if sources is not None else {g.source for g in gold}
    extracted = [e for e in extracted if e.source in wanted]
    gold = [g for g in gold if g.source in wanted]
    candidates = []
    for i, row in enumerate(extracted):
        for j, truth in enumerate(gold):
            if row.source == truth.source and row.unit == truth.unit and abs(row.value - float(truth.value)) < 1e-9:
                agreement = indicator_agreement(truth.indicator, row.indicator)
                if agreement >= INDICATOR_OVERLAP:
                    candidates.append((agreement, i, j))
    taken_rows: set[int] = set()
    taken_gold: set[int] = set()
    for _, i, j in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if i not in taken_rows and j not in taken_gold:
            taken_rows.add(i)
            taken_gold.add(j)
    matched = len(taken_rows)
    return FigureScores(
        precision=matched / len(extracted) if extracted else 0.0, recall=matched / len(gold) if gold else 0.0,
        matched=matched, extracted=len(extracted), gold=len(gold),
        unmatched_extracted=tuple(e for i, e in enumerate(extracted) if i not in taken_rows),
        missed_gold=tuple(g for j, g in enumerate(gold) if j not in taken_gold))
