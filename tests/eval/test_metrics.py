"""The README's scoring rules on hand-made answers with known scores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.metrics import GoldQuestion, aggregate, load_gold, normalize, score_question

REPORTS = {"a.txt": "诸暨市设立了市行政争议调解中心。调解成功率达 99%。", "b.txt": "伊春市成立了伊春仲裁委员会。"}


def gold(**fields: object) -> GoldQuestion:
    base = {"id": "q", "question": "?", "type": "list", "answer_must_contain": [], "answer_must_not_contain": [],
            "evidence": [], "answerable": True}
    return GoldQuestion.model_validate({**base, **fields})


def citation(source: str, quote: str, region: str = "") -> dict:
    return {"n": 1, "source": source, "quote": quote, "region": region}


def test_normalize_is_nfkc_without_white_space() -> None:
    assert normalize("调解 成功率\n９９％") == "调解成功率99%"


def test_one_question_every_check() -> None:
    question = gold(evidence=[{"text": "市行政争议调解中心", "source": "a.txt"},
                              {"text": "伊春仲裁委员会", "source": "b.txt"}],
                    answer_must_contain=["诸暨", "99%"], answer_must_not_contain=["伊春"])
    answer = {"answer": "诸暨市设立了[1]，成功率99％。", "answerable": True,
              "citations": [citation("a.txt", "诸暨市设立了市行政争议调解中心。", "诸暨市"),
                            citation("b.txt", "伊春市成立了伊春仲裁", "伊春市"),     # 10 chars inside evidence? no
                            citation("a.txt", "一句不存在的引文", "诸暨市")],
              "passages": [{"text": "无关"}, {"text": "伊春市成立了伊春仲裁委员会。"}, {"text": "x"}],
              "timings_ms": {"total": 12.0}}
    score = score_question(question, answer, REPORTS.get, k=5)
    assert score.evidence_recall == 0.5            # only the 伊春 evidence is in a passage
    assert score.reciprocal_rank == 0.5            # first evidence-bearing passage is the second
    assert score.fact_ok is True                   # 99％ matches 99% after NFKC
    assert (score.citations, score.valid_citations) == (3, 2)
    assert score.evidence_cited == 1               # the first quote contains 市行政争议调解中心
    assert score.wrong_source == 1                 # 伊春 is listed as must-not
    assert score.abstention_ok and not score.passed


def test_short_quote_inside_evidence_counts_only_from_eight_characters() -> None:
    question = gold(evidence=[{"text": "伊春市成立了伊春仲裁委员会", "source": "b.txt"}])
    long_enough = {"answerable": True, "citations": [citation("b.txt", "成立了伊春仲裁委员")]}   # 9 chars
    too_short = {"answerable": True, "citations": [citation("b.txt", "伊春仲裁委员会")]}     # 7 chars
    assert score_question(question, long_enough, REPORTS.get).evidence_cited == 1
    assert score_question(question, too_short, REPORTS.get).evidence_cited == 0


def test_abstention_rules() -> None:
    unanswerable = gold(answerable=False)
    assert score_question(unanswerable, {"answerable": False, "citations": []}, REPORTS.get).abstention_ok
    cited = {"answerable": False, "citations": [citation("a.txt", "调解成功率")]}
    assert not score_question(unanswerable, cited, REPORTS.get).abstention_ok
    assert not score_question(gold(), {"answerable": False}, REPORTS.get).abstention_ok


def test_aggregate_matches_hand_computation() -> None:
    scores = [
        score_question(gold(id="1", type="list", answer_must_contain=["a"]), {"answer": "a", "answerable": True,
                       "timings_ms": {"total": 10}}, REPORTS.get),
        score_question(gold(id="2", type="numeric", answer_must_contain=["b"]), {"answer": "a", "answerable": True,
                       "timings_ms": {"total": 30}}, REPORTS.get),
        score_question(gold(id="3", type="unanswerable", answerable=False), {"answerable": True,
                       "timings_ms": {"total": 20}}, REPORTS.get),
    ]
    metrics = aggregate(scores)
    assert metrics.fact_accuracy == 0.5 and metrics.abstention_accuracy == pytest.approx(2 / 3, abs=1e-4)
    assert metrics.latency_p50_ms == 20.0 and metrics.latency_p95_ms == 29.0
    assert metrics.citation_validity is None and set(metrics.by_type) == {"list", "numeric", "unanswerable"}


def test_gold_file_validation(tmp_path: Path) -> None:
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps({"id": "1", "question": "?", "evidence": [{"text": "不存在", "source": "a.txt"}]},
                               ensure_ascii=False) + "\n{broken\n", encoding="utf-8")
    with pytest.raises(ValueError) as error:
        load_gold(path, REPORTS.get)
    assert "evidence not in a.txt" in str(error.value) and "g.jsonl:2" in str(error.value)
