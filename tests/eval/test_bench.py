"""The benchmark runs end to end on a small synthetic corpus, so its code cannot rot (figures are not asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ui.cli import main


@pytest.mark.slow
def test_bench_writes_every_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # onnx-e5 is converted here, not in ~
    out = tmp_path / "bench"
    assert main(["bench", "--synth-n", "8", "--raw-sample", "40", "--embedder", "onnx-e5", "--out", str(out)]) == 0
    result = json.loads((out / "bench.json").read_text(encoding="utf-8"))
    assert result["embedder"] == "onnx-e5" and [r["reports"] for r in result["rows"]] == [5, 8]
    for row in result["rows"]:
        assert 0 < row["searchable_s"] <= row["first_answer_s"] and row["answer_p95_ms"] <= row["answer_max_ms"]
        assert row["index_vectors"] == row["chunks"] and row["reindex_unchanged_s"] < row["build_s"]
    assert "first answer s" in (out / "bench.md").read_text(encoding="utf-8") and "| synthetic (8 reports)" in \
        capsys.readouterr().out
