"""What each `reportqa` command does, given its parsed arguments and the settings."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from index.types import UpdateSummary
from ui.settings import Settings


class UserFacingError(Exception):
    """An error whose message is meant for the person at the terminal, without a traceback."""


def ingest(args: argparse.Namespace, settings: Settings) -> int:
    from corpus.ingest import IngestOptions, ingest
    from ui.progress import StageBars
    from ui.render import ingest_summary_json, print_ingest_summary

    bars = StageBars(enabled=not args.json)  # scanned files are read page by page (OCR): show the pages
    try:
        result = ingest(args.paths, IngestOptions(settings.max_file_mb, settings.chunk_tokens), progress=bars)
    finally:
        bars.close()
    if args.json:
        print(json.dumps(ingest_summary_json(result), ensure_ascii=False, indent=2))
    else:
        print_ingest_summary(result)
    return 0 if result.reports else 1


def index(args: argparse.Namespace, settings: Settings) -> int:
    from index.build import update_index
    from ui.progress import StageBars
    from ui.render import print_update_summary, update_summary_json
    from ui.setup import embed_workers, index_options, load_embedder

    bars = StageBars(enabled=not (args.quiet or args.json))

    def searchable(text_stage: UpdateSummary) -> None:
        if text_stage.pending_vectors and not args.json:
            print(f"searchable by words after {text_stage.seconds:.1f} s; embedding {text_stage.pending_vectors} "
                  "chunks and sentences (stop any time: finished batches are kept)", file=sys.stderr, flush=True)

    try:
        summary = update_index(settings.index_dir, args.paths, load_embedder(settings), index_options(settings),
                               rebuild=args.rebuild, progress=bars, vectors=not args.text_only,
                               on_searchable=searchable, store=settings.store_spec(), workers=embed_workers(settings))
    finally:
        bars.close()
    if args.json:
        print(json.dumps(update_summary_json(summary, settings.index_dir), ensure_ascii=False, indent=2))
    else:
        print_update_summary(summary, settings.index_dir)
    return 0 if summary.reports else 1


def search(args: argparse.Namespace, settings: Settings) -> int:
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


def ask(args: argparse.Namespace, settings: Settings) -> int:
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


def figures(args: argparse.Namespace, settings: Settings) -> int:
    from index.figures import load_overrides
    from ui.figures_view import figure_records, open_figures, records_csv, records_text

    store = open_figures(settings.index_dir)
    try:
        from retriever.figures import find_figures

        matches = find_figures(store, args.query, args.region, args.year,
                               load_overrides(Path(args.groups) if args.groups else None))
    finally:
        store.close()
    records = figure_records(matches)
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
    elif args.csv:
        print(records_csv(records), end="")
    else:
        print(records_text(records))
    return 0


def chat(args: argparse.Namespace, settings: Settings) -> int:
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


def eval(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from eval.report import compare_runs, run_record, summary_text, write_report

    if args.compare:
        before, after = (_metrics_record(Path(p)) for p in args.compare)
        print(compare_runs(before, after))
        return 0
    figures_gold = Path(args.figures) if args.figures else None
    if figures_gold is None and args.gold and (Path(args.gold).parent / "figures.jsonl").exists():
        figures_gold = Path(args.gold).parent / "figures.jsonl"
    if not args.gold:
        if figures_gold is None:
            raise UserFacingError("give --gold FILE, --figures FILE or --compare BEFORE AFTER")
        print(_figure_scores(figures_gold, settings))
        return 0
    from eval import baselines
    from eval.metrics import load_gold
    from eval.run import pipeline_ask, run_system
    from index.cache import EmbeddingCache
    from index.layout import IndexLayout
    from ui.setup import build_pipeline

    pipeline = build_pipeline(settings)
    index = pipeline.retriever.index
    report_text = index.report_text
    gold = load_gold(Path(args.gold), report_text)
    systems = [("reportqa", pipeline_ask(pipeline))]
    if not args.no_baselines:
        cache = EmbeddingCache(IndexLayout(settings.index_dir).cache_path)
        systems += [("langchain-recipe", baselines.langchain_recipe(index, cache, args.k)),
                    ("bm25-only", baselines.bm25_only(index, args.k)),
                    ("dense-only", baselines.dense_only(index, args.k))]
    runs = [run_system(name, ask, gold, report_text, args.k) for name, ask in systems]
    variants = []
    if not args.no_variants:
        from eval.metamorphic import run_variants
        from eval.variants import PlaceForms

        places = PlaceForms.of_regions(pipeline.retriever.resolver.regions)
        variants = run_variants(systems[0][1], gold, runs[0].scores, report_text, places, args.k)
    if args.out:
        store = "" if settings.store == "local" else f" --store {settings.store}"
        command = (f"reportqa eval --gold {args.gold} --index {settings.index_dir}{store} --k {args.k} "
                   f"--out {args.out}")
        write_report(runs, Path(args.out), args.gold, command, variants)
    if args.json:
        print(json.dumps(run_record(runs, variants), ensure_ascii=False, indent=2))
    else:
        print(summary_text(runs))
        if variants:
            from eval.metamorphic import variants_table

            print("\n" + variants_table(variants))
    if figures_gold is not None and not args.json:
        print("\n" + _figure_scores(figures_gold, settings))
    return 0


def _figure_scores(gold_path: Path, settings: Settings) -> str:
    """Extraction precision and recall of the index's figure table on a figures gold set."""
    from eval.figures import ExtractedFigure, load_gold_figures, score_figures
    from ui.figures_view import open_figures

    store = open_figures(settings.index_dir)
    try:
        rows = store.rows()
    finally:
        store.close()
    extracted = [ExtractedFigure(r.source, r.indicator, r.value, r.unit, r.quote) for r in rows]
    scores = score_figures(extracted, load_gold_figures(gold_path))
    return (f"figures {gold_path}: precision {scores.precision:.3f} recall {scores.recall:.3f} "
            f"({scores.matched} matched, {scores.extracted} extracted, {scores.gold} gold)")


def _metrics_record(path: Path) -> dict:
    """A metrics.json record, given the file or the --out folder holding it."""
    file = path / "metrics.json" if path.is_dir() else path
    data = json.loads(file.read_text(encoding="utf-8"))
    if "systems" not in data:
        raise UserFacingError(f"{file} is not a metrics.json written by reportqa eval --out")
    return dict(data)


def serve(args: argparse.Namespace, settings: Settings) -> int:
    import os

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no telemetry from an intranet server
    from ui.server import serve

    settings = settings.with_overrides(host=args.host, port=args.port)
    if args.corpus:
        from index.build import update_index
        from ui.setup import index_options, load_embedder

        update_index(settings.index_dir, args.corpus, load_embedder(settings), index_options(settings),
                     store=settings.store_spec())
    print(f"reportqa: serving on http://{settings.host}:{settings.port}/ (Ctrl-C stops)", flush=True)
    serve(settings)
    return 0


def loadtest(args: argparse.Namespace, settings: Settings) -> int:
    from ui.loadtest import as_json, run_load

    result = run_load(args.url, args.clients, args.seconds, args.pid, args.api_key)
    print(json.dumps(as_json(result), ensure_ascii=False, indent=2))
    return 0 if result.errors == 0 else 1


def gold_add(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from eval.gold_editor import add_question
    from ui.setup import open_index

    add_question(open_index(settings), Path(args.file))
    return 0


def bench(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from eval.bench import markdown_table, run_bench

    script = Path(args.synth_script)
    if args.synth_n and not script.is_file():
        raise UserFacingError(f"synthetic corpus generator not found: {script} (give --synth-script or --synth-n 0)")
    result = run_bench(Path(args.out), script if args.synth_n else None, args.synth_n, args.raw_sample,
                       settings.embedder, figures_only=args.figures_only)
    print(markdown_table(result))
    return 0
