"""Running a gold set through the answer pipeline (the same public API a user calls) and scoring it."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.metrics import GoldQuestion, Metrics, QuestionScore, ReportText, aggregate, score_question

AskFunction = Callable[[GoldQuestion], dict[str, Any]]  # gold question -> answer JSON


@dataclass(frozen=True, slots=True)
class EvalRun:
    """One system's answers to a gold set, their scores and the metrics."""

    system: str
    answers: list[dict[str, Any]]
    scores: list[QuestionScore]
    metrics: Metrics


def run_system(system: str, ask: AskFunction, gold: Sequence[GoldQuestion], report_text: ReportText,
               k: int = 5) -> EvalRun:
    """Ask every question (after one warm-up) and score the answers."""
    if gold:
        ask(gold[0])  # warm process: latency is measured after models and caches are loaded
    answers = [ask(question) for question in gold]
    scores = [score_question(q, a, report_text, k) for q, a in zip(gold, answers, strict=True)]
    return EvalRun(system, answers, scores, aggregate(scores, k))


def pipeline_ask(pipeline: Any) -> AskFunction:
    """The reportqa pipeline as an ask function."""
    from retriever.conversation import user_turns

    def ask(question: GoldQuestion) -> dict[str, Any]:
        answer = pipeline.ask(question.question, user_turns(question.history), question_id=question.id)
        return dict(answer.to_json())

    return ask


def write_answers(run: EvalRun, path: Path) -> None:
    """Every answer with its citations, passages and checks, one JSON line each."""
    with path.open("w", encoding="utf-8") as handle:
        for answer, score in zip(run.answers, run.scores, strict=True):
            checks = {"passed": score.passed, "fact_ok": score.fact_ok, "missing_facts": list(score.missing_facts),
                      "evidence_recall": score.evidence_recall, "valid_citations": score.valid_citations,
                      "evidence_cited": score.evidence_cited, "evidence_total": score.evidence_total,
                      "wrong_source": score.wrong_source, "abstention_ok": score.abstention_ok}
            handle.write(json.dumps({"system": run.system, **answer, "checks": checks}, ensure_ascii=False) + "\n")
