"""The `reportqa` command line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from ui.settings import Settings


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `reportqa` command."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    settings = Settings().with_overrides(index_dir=getattr(args, "index", None),
                                         max_file_mb=getattr(args, "max_file_mb", None))
    try:
        return int(args.handler(args, settings) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except UserFacingError as exc:
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
    return parser


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    from corpus.ingest import IngestOptions, ingest
    from ui.render import ingest_summary_json, print_ingest_summary

    result = ingest(args.paths, IngestOptions(settings.max_file_mb, settings.chunk_tokens))
    if args.json:
        print(json.dumps(ingest_summary_json(result), ensure_ascii=False, indent=2))
    else:
        print_ingest_summary(result)
    return 0 if result.reports else 1


if __name__ == "__main__":
    sys.exit(main())
