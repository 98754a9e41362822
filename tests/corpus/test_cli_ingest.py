"""`reportqa ingest` prints metadata, outline, chunk counts and skipped files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from corpus.ingest import samples_dir
from ui.cli import main


def test_ingest_json_lists_reports_and_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(samples_dir() / "001_531e4b9acb86f1c6.txt", tmp_path)
    (tmp_path / "empty.txt").write_bytes(b"")
    assert main(["ingest", str(tmp_path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    [report] = out["reports"]
    assert report["source"] == "001_531e4b9acb86f1c6.txt" and report["doc_number"] == "南司〔2024〕5号"
    assert report["outline"][0]["path"].startswith("一、从“规定”到“自选”转化")
    assert report["chunks"] > 10
    assert out["skipped"] == [{"path": str(tmp_path / "empty.txt"), "reason": "empty file"}]


def test_ingest_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", str(samples_dir())]) == 0
    out = capsys.readouterr().out
    assert "西湖区司法局2024年法治政府建设工作报告（无标题，据正文拟定）" in out
    assert "三、党政主要负责人履行推进法治建设第一责任人职责情况  [第一责任人履职]" in out
    assert "5 report(s)" in out


def test_ingest_of_nothing_usable_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.bin").write_bytes(b"\0\1")
    assert main(["ingest", str(tmp_path)]) == 1
    assert "unsupported file type '.bin'" in capsys.readouterr().out
