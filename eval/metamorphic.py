"""Metamorphic evaluation: does an answer stay correct when its question is typed another way?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eval.metrics import GoldQuestion, QuestionScore, ReportText, score_question
from eval.run import AskFunction
from eval.variants import FAMILIES, PlaceForms


def correct(score: QuestionScore) -> bool:
    """An answer is correct when it abstains rightly, states every required fact and cites no wrong source."""
    return score.abstention_ok and score.fact_ok is not False and score.wrong_source == 0


@dataclass(frozen=True, slots=True)
class FamilyResult:
    """How one family of rewrites changed the answers' correctness."""

    family: str
    description: str
    applicable: int  # questions the family rewrites
    original_correct: int
    variant_correct: int
    unchanged: int  # variant as correct (or as wrong) as the original
    flipped: tuple[str, ...]  # "id: variant question" of every question whose correctness changed

    @property
    def invariance(self) -> float | None:
        """Share of rewritten questions whose correctness did not change."""
        return self.unchanged / self.applicable if self.applicable else None

    def to_json(self) -> dict[str, Any]:
        """Plain JSON."""
        return {"family": self.family, "description": self.description, "applicable": self.applicable,
                "original_correct": self.original_correct, "variant_correct": self.variant_correct,
                "invariance": None if self.invariance is None else round(self.invariance, 4),
                "flipped": list(self.flipped)}


def run_variants(ask: AskFunction, gold: Sequence[GoldQuestion], originals: Sequence[QuestionScore],
                 report_text: ReportText, places: PlaceForms, k: int = 5) -> list[FamilyResult]:
    """Ask every applicable rewrite of every question and compare its correctness with the original's."""
    by_id = {score.id: score for score in originals}
    results = []
    for family in FAMILIES:
        applicable = original_ok = variant_ok = unchanged = 0
        flipped: list[str] = []
        for question in gold:
            rewritten = family.rewrite(question.question, places)
            if not rewritten or rewritten == question.question:
                continue
            variant = question.model_copy(update={"question": rewritten})
            score = score_question(variant, ask(variant), report_text, k)
            before, after = correct(by_id[question.id]), correct(score)
            applicable += 1
            original_ok += before
            variant_ok += after
            if before == after:
                unchanged += 1
            else:
                flipped.append(f"{question.id}{'+' if after else '-'}: {rewritten}")
        results.append(FamilyResult(family.name, family.description, applicable, original_ok, variant_ok, unchanged,
                                    tuple(flipped)))
    return results


def variants_table(results: Sequence[FamilyResult]) -> str:
    """A markdown table, one row per family."""
    lines = ["| variant family | rewritten questions | correct (original) | correct (variant) | invariance |",
             "|---|---|---|---|---|"]
    for result in results:
        invariance = "–" if result.invariance is None else f"{result.invariance:.3f}"
        lines.append(f"| {result.family} ({result.description}) | {result.applicable} | {result.original_correct} | "
                     f"{result.variant_correct} | {invariance} |")
    changed = [item for result in results for item in result.flipped]
    if changed:
        lines += ["", "Correctness changed (+ now correct, − now wrong):", *[f"- {item}" for item in changed]]
    return "\n".join(lines)
