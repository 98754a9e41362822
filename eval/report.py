"""Tables and files an evaluation run produces."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from eval.metrics import Metrics
from eval.run import EvalRun, write_answers

COLUMNS = (("evidence_recall_at_k", "evidence recall@k"), ("mrr", "MRR"), ("fact_accuracy", "fact accuracy"),
           ("citation_validity", "citation validity"), ("citation_recall", "citation recall"),
           ("wrong_source_citations", "wrong-source citations"), ("abstention_accuracy", "abstention accuracy"),
           ("latency_p50_ms", "p50 ms"), ("latency_p95_ms", "p95 ms"))


def _cell(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if value <= 1.0 else f"{value:.0f}"
    return str(value)


def metrics_table(rows: Sequence[tuple[str, Metrics]]) -> str:
    """A markdown table, one row per (label, metrics)."""
    lines = ["| system | questions | " + " | ".join(label for _, label in COLUMNS) + " |",
             "|---|---|" + "---|" * len(COLUMNS)]
    for label, metrics in rows:
        lines.append(f"| {label} | {metrics.questions} | "
                     + " | ".join(_cell(getattr(metrics, key)) for key, _ in COLUMNS) + " |")
    return "\n".join(lines)


def print_metrics_table(runs: Sequence[EvalRun]) -> None:
    """Overall table of every system, then the per-type table of the first."""
    print(metrics_table([(run.system, run.metrics) for run in runs]))
    print()
    first = runs[0]
    print(metrics_table([(f"{first.system} · {kind}", m) for kind, m in first.metrics.by_type.items()]))
    failed = [s.id for s in first.scores if not s.passed]
    print(f"\n{first.system}: {len(first.scores) - len(failed)}/{len(first.scores)} questions pass every check"
          + (f"; not: {', '.join(failed)}" if failed else ""))


def write_report(runs: Sequence[EvalRun], out: Path, gold_name: str) -> None:
    """metrics.json, answers.jsonl and report.md in out."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps({r.system: r.metrics.to_json() for r in runs}, ensure_ascii=False,
                                                 indent=2), encoding="utf-8")
    with (out / "answers.jsonl").open("w", encoding="utf-8"):
        pass
    for run in runs:
        path = out / f"answers-{run.system}.jsonl"
        write_answers(run, path)
    report = [f"# Evaluation on {gold_name}", "", metrics_table([(r.system, r.metrics) for r in runs]), "",
              "## Per question type", "",
              metrics_table([(f"{runs[0].system} · {k}", m) for k, m in runs[0].metrics.by_type.items()])]
    (out / "report.md").write_text("\n".join(report) + "\n", encoding="utf-8")
