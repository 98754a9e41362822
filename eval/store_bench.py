"""Open time, memory and search latency of one index in one store (`python -m eval.store_bench --help`).

Run once per store, each in its own process so peak memory is that store's alone; docs/scale.md
holds the figures. Prints JSON; asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from eval.memory import peak_rss_mb
from index.embedders import make_embedder
from index.search import SearchIndex
from index.stores import parse_store
from retriever.analysis import Filters
from retriever.hybrid import HybridRetriever


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50": round(statistics.median(ordered) * 1000, 1),
            "p95": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 1)}


def _folder_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6, 1)


def main() -> None:
    """Measure one store."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", required=True)
    parser.add_argument("--store", default="local")
    parser.add_argument("--embedder", default="onnx-e5")
    parser.add_argument("--gold", default="eval/gold/dev.jsonl", help="questions used as queries")
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for line in Path(args.gold).read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    store = parse_store(args.store)
    embedder = make_embedder(args.embedder)
    embedder.embed_queries(["预热"])
    rss_before = peak_rss_mb()
    clock = time.perf_counter()
    index = SearchIndex.open(Path(args.index), embedder, store)
    retriever = HybridRetriever(index)
    open_s = time.perf_counter() - clock
    vectors = {q: index.embed_query(q) for q in questions}
    regions = sorted({m.region for m in retriever.metas.values() if m.region})
    timings: dict[str, list[float]] = {"dense": [], "bm25": [], "retrieve": [], "retrieve_filtered": []}
    for round_number in range(2):
        for i, question in enumerate(questions):
            region = regions[i % len(regions)]
            steps: list[tuple[str, Callable[[], object]]] = [
                ("dense", partial(index.dense_search, vectors[question], 60)),
                ("bm25", partial(index.bm25_search, question, 60)),
                ("retrieve", partial(retriever.retrieve, question, None, 10)),
                ("retrieve_filtered", partial(retriever.retrieve, question, Filters(regions=(region,)), 10))]
            for name, step in steps:
                clock = time.perf_counter()
                step()
                if round_number:  # the first round warms caches
                    timings[name].append(time.perf_counter() - clock)
    folder = store.folder(Path(args.index))
    sizes = {"index_folder_mb": _folder_mb(folder / "versions")}
    if store.kind == "milvus" and not store.is_server:
        sizes["milvus_db_mb"] = _folder_mb(Path(store.uri))
    print(json.dumps({"store": store.kind, "chunks": len(index), "reports": len(retriever.metas),
                      "open_s": round(open_s, 2), "rss_before_open_mb": round(rss_before),
                      "peak_rss_mb": round(peak_rss_mb()),
                      **sizes, **{f"{k}_ms": _ms(v) for k, v in timings.items()}}, ensure_ascii=False))


if __name__ == "__main__":
    main()
