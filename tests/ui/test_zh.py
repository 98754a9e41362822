"""The Chinese the web app shows for file problems, gold-file problems and filters, from real inputs."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from corpus.ingest import IngestOptions, ingest, samples_dir
from eval.metrics import load_gold
from retriever.analysis import Filters
from ui.zh import filters_note, gold_problems, metric_label, question_type_label, skip_reason

LATIN = re.compile(r"[A-Za-z]+")
FORMATS = {"docx", "PDF", "txt", "md", "html", "pdf", "json", "yaml", "meta"}


def test_every_reason_the_corpus_gives_reads_in_chinese(tmp_path: Path) -> None:
    folder, outside = tmp_path / "bad", tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    report = "伊春市司法局2023年法治政府建设工作报告\n一、主要举措和成效\n成立了伊春仲裁委员会。\n"
    files: dict[str, bytes] = {
        "empty.txt": b"", "nul.md": b"\x00\x01" * 100, "invalid.txt": b"\xff\xfe\xfd\xfc" * 300,
        "broken.docx": b"PK\x03\x04 not a zip", "garbage.pdf": b"%PDF-1.4\n" + bytes(range(256)) * 4,
        "table.xlsx": b"PK\x03\x04", ".hidden.txt": report.encode(), "blank.txt": " \n\u3000\n".encode(),
        "big.txt": ("法治" * 400_000).encode(), "bell\x07.txt": report.encode(),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (outside / "secret.txt").write_text(report, encoding="utf-8")
    os.symlink(outside / "secret.txt", folder / "link-out.txt")
    result = ingest([folder, tmp_path / "missing"], IngestOptions(max_file_mb=1))
    reasons = {Path(s.path).name: s.reason for s in result.skipped}
    assert set(reasons) == {*files, "link-out.txt", "missing"}
    for name, reason in reasons.items():
        chinese = skip_reason(reason)
        assert chinese != skip_reason("a reason nobody wrote"), (name, reason)   # a specific translation
        assert set(LATIN.findall(chinese)) <= FORMATS, (name, chinese)
    assert skip_reason(reasons["broken.docx"]) == "损坏的 docx 文件，无法打开"
    assert skip_reason(reasons["big.txt"]) == "文件超过大小上限"


def test_gold_file_problems_name_the_line_in_chinese(tmp_path: Path) -> None:
    source = sorted(samples_dir().glob("*.txt"))[0]
    text = source.read_text(encoding="utf-8")
    good = {"id": "g1", "question": "问题？", "evidence": [{"text": text[200:220], "source": source.name}]}
    lines = [json.dumps(good, ensure_ascii=False), "not json", json.dumps({"question": "没有编号"}),
             json.dumps({**good, "id": "g4", "evidence": [{"text": "报告里没有这句话", "source": source.name}]},
                        ensure_ascii=False),
             json.dumps({**good, "id": "g5", "evidence": [{"text": "任意", "source": "nowhere.txt"}]})]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(lines) + "\n", encoding="utf-8")
    texts = {source.name: text}
    try:
        load_gold(gold, texts.get)
    except ValueError as exc:
        problems = gold_problems(str(exc))
    else:
        raise AssertionError("the gold file has errors")
    assert problems == ["第2行：不是有效的 JSON 行", "第3行：字段缺失或类型不符（每行须有 id 和 question）",
                        "第4行：证据句不在所注明的报告中：报告里没有这句话",
                        "第5行：证据所在的报告不在报告库中：nowhere.txt"]
    assert str(tmp_path) not in "\n".join(problems)


def test_filters_note_names_each_filter_used() -> None:
    assert filters_note(Filters()) == ""
    assert filters_note(Filters(regions=("西湖区",))) == "（已按筛选条件：地区=西湖区 检索）"
    note = filters_note(Filters(regions=("西湖区", "柯城区"), years=(2024,), kinds=("存在问题",)))
    assert note == "（已按筛选条件：地区=西湖区、柯城区；年度=2024；章节类型=存在问题 检索）"


def test_metric_and_question_type_names() -> None:
    assert metric_label("evidence_recall_at_k", 5) == "证据召回率（前5条）"
    assert question_type_label("numeric") == "数字" and question_type_label("unanswerable") == "无法回答"
    assert not LATIN.search(metric_label("mrr") + metric_label("latency_p95_ms"))
