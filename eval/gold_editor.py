"""`reportqa gold add`: write a gold question without editing JSON, evidence picked from the reports."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from corpus.chunk import sentence_spans
from eval.metrics import GoldQuestion, normalize
from index.search import SearchIndex
from retriever.debug import search_all_ways

__all__ = ["QUESTION_TYPES", "add_question", "evidence_candidates", "save_question"]

QUESTION_TYPES = ("list", "numeric", "factoid", "section", "compare", "wording", "followup", "filter",
                  "unanswerable")
Read = Callable[[str], str]
Write = Callable[[str], None]


def _split(answer: str) -> list[str]:
    return [part.strip() for part in answer.replace("，", ",").split(",") if part.strip()]


def next_id(path: Path) -> str:
    """g001, g002, … after the questions already in the file."""
    count = sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip()) if path.exists() else 0
    return f"g{count + 1:03d}"


def evidence_candidates(index: SearchIndex, query: str, k: int = 6) -> list[dict[str, str]]:
    """Sentences of the best chunks for a query, as evidence an evaluator can pick."""
    out = []
    for row in search_all_ways(index, query, k=k):
        for start, end in sentence_spans(row["text"]):
            out.append({"region": row["region"] or "", "year": str(row["year"] or ""), "source": row["source"],
                        "text": row["text"][start:end]})
    return out


def save_question(index: SearchIndex, path: Path, question: str, kind: str, history: list[str],
                  evidence: list[dict[str, str]], must: list[str], must_not: list[str],
                  question_id: str = "") -> GoldQuestion:
    """Validate (every evidence text must occur in its report) and append one gold question."""
    if kind not in QUESTION_TYPES:
        raise ValueError(f"类型须为 {'、'.join(QUESTION_TYPES)} 之一")
    gold = GoldQuestion.model_validate({
        "id": question_id.strip() or next_id(path), "question": question.strip(), "type": kind,
        "history": [{"role": "user", "content": turn} for turn in history if turn.strip()],
        "evidence": [{"region": e.get("region", ""), "text": e["text"], "source": e["source"]} for e in evidence],
        "answer_must_contain": must, "answer_must_not_contain": must_not, "answerable": kind != "unanswerable"})
    if not gold.question:
        raise ValueError("问题为空")
    for item in gold.evidence:
        report = index.report(item.source)
        if report is None or normalize(item.text) not in normalize(report.text):
            raise ValueError(f"证据句不在报告 {item.source} 中：{item.text[:30]}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(gold.model_dump(), ensure_ascii=False) + "\n")
    return gold


def add_question(index: SearchIndex, path: Path, read: Read = input, write: Write = print) -> GoldQuestion:
    """Ask for a question, its kind, evidence sentences and required facts in the terminal; save it."""
    question = ""
    while not question:
        question = read("问题: ").strip()
    kind = ""
    while kind not in QUESTION_TYPES:
        kind = read(f"类型 {'/'.join(QUESTION_TYPES)} [factoid]: ").strip() or "factoid"
    history = read("上文问题（可空，多条用 | 分隔）: ").split("|")
    evidence: list[dict[str, str]] = []
    must: list[str] = []
    must_not: list[str] = []
    if kind != "unanswerable":
        candidates = evidence_candidates(index, read("检索证据用的关键词 [问题本身]: ").strip() or question)
        for number, item in enumerate(candidates, start=1):
            write(f"  {number:>2}. [{item['region']} {item['year']}] {item['text']}")
        picks = [int(p) for p in _split(read("证据句编号（逗号分隔）: ")) if p.isdigit()]
        evidence = [candidates[p - 1] for p in picks if 1 <= p <= len(candidates)]
        must = _split(read("答案必须包含（逗号分隔）: "))
        must_not = _split(read("不得引用的地区（逗号分隔，可空）: "))
    question_id = read(f"编号 [{next_id(path)}]: ")
    gold = save_question(index, path, question, kind, history, evidence, must, must_not, question_id)
    write(f"已写入 {path}：{gold.id}")
    return gold
