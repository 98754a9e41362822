"""`reportqa eval` end to end on the real index, `--compare`, and `gold add`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.gold_editor import add_question
from eval.metrics import load_gold
from index.search import SearchIndex
from tests.fakes import HashEmbedder
from ui.cli import main

DEV = Path(__file__).resolve().parents[2] / "eval" / "gold" / "dev.jsonl"


def test_eval_writes_report_baselines_and_charts(real_index_dir: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    assert main(["eval", "--gold", str(DEV), "--index", str(real_index_dir), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    for system in ("reportqa", "langchain-recipe", "bm25-only", "dense-only"):
        assert f"| {system} |" in printed and (out / f"answers-{system}.jsonl").exists()
    for chart in ("metrics_per_type.png", "system_vs_baselines.png", "latency.png"):
        assert (out / chart).read_bytes()[:4] == b"\x89PNG"
    record = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    ours, recipe = record["systems"]["reportqa"], record["systems"]["langchain-recipe"]
    assert ours["fact_accuracy"] > recipe["fact_accuracy"] and ours["citation_validity"] == 1.0
    assert "by_type" in ours and "numeric" in ours["by_type"]
    line = json.loads((out / "answers-reportqa.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert {"checks", "citations", "passages"} <= set(line)
    assert "Made with `reportqa eval" in (out / "report.md").read_text(encoding="utf-8")

    # A regression check against a doctored earlier run: one question flips, one metric moves.
    doctored = json.loads(json.dumps(record))
    doctored["questions"]["reportqa"]["d02"]["passed"] = False
    doctored["systems"]["reportqa"]["fact_accuracy"] = 0.5
    before = tmp_path / "before.json"
    before.write_text(json.dumps(doctored), encoding="utf-8")
    assert main(["eval", "--compare", str(before), str(out)]) == 0
    comparison = capsys.readouterr().out
    fact = ours["fact_accuracy"]
    assert "now passing: d02" in comparison
    assert f"| fact accuracy | 0.500 | {fact:.3f} | +{fact - 0.5:.3f} |" in comparison


def test_gold_add_writes_a_validated_question(fake_index_dir: Path, tmp_path: Path) -> None:
    index = SearchIndex.open(fake_index_dir, HashEmbedder())
    path = tmp_path / "mine.jsonl"
    answers = iter(["伊春市成立了什么仲裁机构？", "factoid", "", "伊春仲裁委员会", "PICK", "伊春仲裁委员会", "", ""])
    shown: list[str] = []

    def read(prompt: str) -> str:
        answer = next(answers)
        if answer == "PICK":  # choose the listed sentence that holds the fact
            return str(next(i for i, line in enumerate(shown, 1) if "成立了伊春仲裁委员会" in line))
        return answer

    gold = add_question(index, path, read, shown.append)
    assert gold.id == "g001" and gold.evidence[0].source == "002_5b8302c1fcb28e66.txt"
    texts = {s: index.report(s).text for s in index.sources()}  # type: ignore[union-attr]
    assert load_gold(path, texts.get)[0].answer_must_contain == ["伊春仲裁委员会"]
