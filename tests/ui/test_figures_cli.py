"""`reportqa figures`: rows across reports as text, JSON and CSV; `reportqa eval --figures` scores extraction."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from ui.cli import main

GOLD = Path(__file__).resolve().parents[2] / "eval" / "gold" / "figures.jsonl"


def test_json_rows_with_quotes(fake_index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["figures", "败诉率", "--index", str(fake_index_dir), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["region"], r["value"], r["unit"]) for r in rows] == [("诸暨市", 2.21, "%"), ("西湖区", 7.22, "%")]
    assert rows[0]["quote"] == "逐年压降全市一审行政诉讼败诉率至2023年底2.21%" and rows[1]["quote"] == "败诉率7.22%"
    assert rows[0]["group"] == rows[1]["group"] == "败诉率"


def test_csv_and_filters(fake_index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["figures", "出庭率", "--index", str(fake_index_dir), "--csv", "--region", "西湖"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["region"], r["year"], r["value_text"], r["unit"]) for r in rows] == [("西湖区", "2024", "100", "%")]
    assert main(["figures", "出庭率", "--index", str(fake_index_dir), "--year", "2023"]) == 0
    assert "南安市\t2023\t行政机关负责人出庭率\t100%" in capsys.readouterr().out


def test_eval_reports_extraction_precision_and_recall(fake_index_dir: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--figures", str(GOLD), "--index", str(fake_index_dir)]) == 0
    line = capsys.readouterr().out.strip()
    precision, recall = float(line.split("precision ")[1].split()[0]), float(line.split("recall ")[1].split()[0])
    assert precision >= 0.95 and recall >= 0.9
