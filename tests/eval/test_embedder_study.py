"""The embedder study's tables, with two fake embedders (the real ones run in `python -m eval.embedder_study`)."""

from __future__ import annotations

from pathlib import Path

from corpus.ingest import samples_dir
from eval.embedder_study import study
from tests.fakes import HashEmbedder

GOLD = Path(__file__).resolve().parents[2] / "eval" / "gold"


def test_study_prints_throughput_agreement_and_retrieval_per_gold_set() -> None:
    same_vectors = {"fake-a": HashEmbedder("fake:a"), "fake-b": HashEmbedder("fake:b")}
    table = study([GOLD / "dev.jsonl", GOLD / "heldout.jsonl"], samples_dir(), same_vectors, rounds=1,
                  timed_only={"fake-c": HashEmbedder("fake:c")})
    lines = table.splitlines()
    assert any(line.startswith("| fake-c |") and line.endswith("| – |") for line in lines)  # timed, not indexed
    assert "Cosine fake-b vs fake-a over" in table and "mean 1.0000, min 1.0000" in table
    rows = [line.split(" | ") for line in lines if line.startswith(("| dev.jsonl", "| heldout.jsonl"))]
    assert [(r[0], r[1]) for r in rows] == [("| dev.jsonl", "dense"), ("| dev.jsonl", "hybrid"),
                                            ("| heldout.jsonl", "dense"), ("| heldout.jsonl", "hybrid")]
    for row in rows:
        scores = [float(cell.strip(" |")) for cell in row[2:]]
        assert scores[:2] == scores[2:]  # identical vectors, identical retrieval
        assert all(0.0 <= s <= 1.0 for s in scores)
    assert float(rows[1][2]) > 0.5  # hybrid retrieval finds most evidence even with hashed vectors
