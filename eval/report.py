"""Tables, charts and files an evaluation run produces, and the comparison of two runs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval.metamorphic import FamilyResult, variants_table
from eval.metrics import Metrics
from eval.run import EvalRun, write_answers

COLUMNS = (("evidence_recall_at_k", "evidence recall@k"), ("mrr", "MRR"), ("fact_accuracy", "fact accuracy"),
           ("citation_validity", "citation validity"), ("citation_recall", "citation recall"),
           ("wrong_source_citations", "wrong-source citations"), ("abstention_accuracy", "abstention accuracy"),
           ("latency_p50_ms", "p50 ms"), ("latency_p95_ms", "p95 ms"))
CHARTED = ("evidence_recall_at_k", "mrr", "fact_accuracy", "citation_validity", "citation_recall",
           "abstention_accuracy")


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


def summary_text(runs: Sequence[EvalRun]) -> str:
    """Systems side by side, the first system per question type, and the questions it fails."""
    first = runs[0]
    failed = [s.id for s in first.scores if not s.passed]
    return "\n".join([
        metrics_table([(run.system, run.metrics) for run in runs]), "",
        metrics_table([(f"{first.system} · {kind}", m) for kind, m in first.metrics.by_type.items()]), "",
        f"{first.system}: {len(first.scores) - len(failed)}/{len(first.scores)} questions pass every check"
        + (f"; not: {', '.join(failed)}" if failed else ""),
    ])


def run_record(runs: Sequence[EvalRun], variants: Sequence[FamilyResult] = ()) -> dict[str, Any]:
    """What metrics.json holds: every system's metrics and per-question checks (for --compare), and the variants."""
    return {"systems": {run.system: run.metrics.to_json() for run in runs},
            "questions": {run.system: {s.id: {"type": s.type, "passed": s.passed, "fact_ok": s.fact_ok,
                                              "evidence_recall": s.evidence_recall, "abstention_ok": s.abstention_ok}
                                       for s in run.scores} for run in runs},
            "variants": [result.to_json() for result in variants]}


def write_report(runs: Sequence[EvalRun], out: Path, gold_name: str, command: str,
                 variants: Sequence[FamilyResult] = ()) -> None:
    """report.md, metrics.json, answers-<system>.jsonl and the charts in out."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(run_record(runs, variants), ensure_ascii=False, indent=2),
                                      encoding="utf-8")
    for run in runs:
        write_answers(run, out / f"answers-{run.system}.jsonl")
    charts = write_charts(runs, out)
    report = [f"# Evaluation on {gold_name}", "", f"Made with `{command}`.", "", summary_text(runs), ""]
    if variants:
        report += [f"## {runs[0].system}: the same questions typed other ways", "", variants_table(variants), ""]
    report += [f"![{name}]({name})" for name in charts]
    (out / "report.md").write_text("\n".join(report) + "\n", encoding="utf-8")


def write_charts(runs: Sequence[EvalRun], out: Path) -> list[str]:
    """PNG charts: metrics per question type, system vs baselines, latency distribution."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = []
    first = runs[0]
    kinds = list(first.metrics.by_type)
    figure, axes = plt.subplots(figsize=(10, 4))
    width = 0.8 / 3
    for offset, key in enumerate(("fact_accuracy", "evidence_recall_at_k", "citation_recall")):
        values = [first.metrics.by_type[k].to_json()[key] or 0.0 for k in kinds]
        axes.bar([i + offset * width for i in range(len(kinds))], values, width, label=key)
    axes.set_xticks([i + width for i in range(len(kinds))], kinds, rotation=20)
    axes.set_ylim(0, 1.05)
    axes.set_title(f"{first.system}: metrics per question type")
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(out / "metrics_per_type.png", dpi=110)
    plt.close(figure)
    names.append("metrics_per_type.png")

    figure, axes = plt.subplots(figsize=(10, 4))
    width = 0.8 / max(1, len(runs))
    for offset, run in enumerate(runs):
        values = [getattr(run.metrics, key) or 0.0 for key in CHARTED]
        axes.bar([i + offset * width for i in range(len(CHARTED))], values, width, label=run.system)
    axes.set_xticks([i + width * (len(runs) - 1) / 2 for i in range(len(CHARTED))], CHARTED, rotation=15)
    axes.set_ylim(0, 1.05)
    axes.set_title("system vs baselines")
    axes.legend(fontsize=8, loc="lower right")
    figure.tight_layout()
    figure.savefig(out / "system_vs_baselines.png", dpi=110)
    plt.close(figure)
    names.append("system_vs_baselines.png")

    figure, axes = plt.subplots(figsize=(8, 4))
    for run in runs:
        axes.hist([s.latency_ms for s in run.scores], bins=20, alpha=0.5, label=run.system)
    axes.set_xlabel("ms per answer")
    axes.set_ylabel("questions")
    axes.set_title("latency distribution (warm process)")
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(out / "latency.png", dpi=110)
    plt.close(figure)
    names.append("latency.png")
    return names


def compare_runs(before: dict[str, Any], after: dict[str, Any]) -> str:
    """What changed between two metrics.json records: metric deltas and questions that flipped."""
    lines = []
    for system in sorted(set(before["systems"]) & set(after["systems"])):
        lines += [f"## {system}", "", "| metric | before | after | change |", "|---|---|---|---|"]
        old, new = before["systems"][system], after["systems"][system]
        for key, label in COLUMNS:
            a, b = old.get(key), new.get(key)
            change = f"{b - a:+.3f}" if isinstance(a, int | float) and isinstance(b, int | float) else ""
            lines.append(f"| {label} | {_cell(a)} | {_cell(b)} | {change} |")
        old_q, new_q = before["questions"].get(system, {}), after["questions"].get(system, {})
        fixed = sorted(q for q in set(old_q) & set(new_q) if not old_q[q]["passed"] and new_q[q]["passed"])
        broken = sorted(q for q in set(old_q) & set(new_q) if old_q[q]["passed"] and not new_q[q]["passed"])
        lines += ["", f"now passing: {', '.join(fixed) or '–'}", f"now failing: {', '.join(broken) or '–'}", ""]
    return "\n".join(lines)
