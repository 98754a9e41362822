"""`reportqa gold add`: write a gold question without editing JSON, evidence picked from the reports."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from corpus.chunk import sentence_spans
from eval.metrics import GoldQuestion, normalize
from index.search import SearchIndex
from retriever.debug import search_all_ways

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


def add_question(index: SearchIndex, path: Path, read: Read = input, write: Write = print) -> GoldQuestion:
    """Ask for a question, its kind, evidence sentences and required facts; validate; append to path."""
    question = ""
    while not question:
        question = read("问题: ").strip()
    kind = ""
    while kind not in QUESTION_TYPES:
        kind = read(f"类型 {'/'.join(QUESTION_TYPES)} [factoid]: ").strip() or "factoid"
    history = [{"role": "user", "content": turn} for turn in read("上文问题（可空，多条用 | 分隔）: ").split("|")
               if turn.strip()]
    evidence: list[dict[str, str]] = []
    must: list[str] = []
    must_not: list[str] = []
    answerable = kind != "unanswerable"
    if answerable:
        query = read("检索证据用的关键词 [问题本身]: ").strip() or question
        candidates = []
        for row in search_all_ways(index, query, k=6):
            for start, end in sentence_spans(row["text"]):
                candidates.append((row, row["text"][start:end]))
        for number, (row, sentence) in enumerate(candidates, start=1):
            write(f"  {number:>2}. [{row['region']} {row['year']}] {sentence}")
        picks = [int(p) for p in _split(read("证据句编号（逗号分隔）: ")) if p.isdigit()]
        for pick in picks:
            if 1 <= pick <= len(candidates):
                row, sentence = candidates[pick - 1]
                evidence.append({"region": row["region"] or "", "text": sentence, "source": row["source"]})
        must = _split(read("答案必须包含（逗号分隔）: "))
        must_not = _split(read("不得引用的地区（逗号分隔，可空）: "))
    question_id = read(f"编号 [{next_id(path)}]: ").strip() or next_id(path)
    gold = GoldQuestion.model_validate({
        "id": question_id, "question": question, "type": kind, "history": history, "evidence": evidence,
        "answer_must_contain": must, "answer_must_not_contain": must_not, "answerable": answerable})
    for item in gold.evidence:
        report = index.report(item.source)
        if report is None or normalize(item.text) not in normalize(report.text):
            raise ValueError(f"evidence not found in {item.source}: {item.text[:30]}")
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(gold.model_dump(), ensure_ascii=False) + "\n")
    write(f"已写入 {path}：{gold.id}")
    return gold
