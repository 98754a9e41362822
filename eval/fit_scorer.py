"""Fit the clause scorer (answer/scorer.json) on gold evidence, with question-level cross-validation.

    python -m eval.fit_scorer --index var/index --gold eval/gold/dev.jsonl --gold eval/gold/heldout.jsonl \
        --gold eval/gold/blind_a.jsonl [--write]

Two logistic models share the features of answer/features.py:
- ranking: every unit of the reports a question may draw on is a row, positive when it overlaps one of
  the question's evidence passages; each question weighs the same (its positives together as much as
  its negatives);
- support: one row per (question, report): the features of that report's best-ranked unit, positive
  when the report supports an answer. Rows come from single-report questions (answerable or not),
  from the regions list and wording questions require (positive) or forbid (negative), and from
  synthetic hard negatives: each answerable one-region question asked of every other region whose
  report lacks its rarest topic word.
Thresholds on the support probability (answer, list, wording) are the accuracy-maximising cuts on the
training rows of that kind. Cross-validation (5 folds by question) reports how often the best-ranked
unit is evidence (top-1, top-3) and the decisions' accuracy on held-out folds.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from answer.builders.common import search_query
from answer.features import FEATURES, feature_matrix, topic_of
from answer.scoring import (
    DENSE_FEATURES,
    MODEL_FILE,
    SUPPORT_FEATURES,
    ClauseScorer,
    Logistic,
    ScorerModel,
    admissible,
    support_inputs,
)
from eval.metrics import GoldQuestion, load_gold, normalize
from retriever.analysis import Filters, Intent, QueryPlan, analyze
from retriever.conversation import user_turns
from retriever.hybrid import HybridRetriever

# Penalties on standardised features, chosen by the cross-validation below (rank 10/30/100 x support 3/10:
# ranking top-1 0.77/0.80/0.81, list decisions best at rank 10-30; support 10 steadier on single answers).
RANK_L2, SUPPORT_L2 = 30.0, 10.0
FOLDS = 5
_UNTRAINED = Logistic(FEATURES, np.zeros(len(FEATURES)), 0.0)
_UNTRAINED_SUPPORT = Logistic(SUPPORT_FEATURES, np.zeros(len(SUPPORT_FEATURES)), 0.0)


@dataclass(slots=True)
class Example:
    """One question's candidate units: features, labels and the report of each unit."""

    question: str  # groups synthetic variants with their gold question for cross-validation
    kind: str  # "answer", "list" or "wording": which threshold the question informs
    features: np.ndarray
    labels: np.ndarray  # 1 where the unit overlaps evidence
    sources: np.ndarray  # report index of each unit
    wanted: set[int]  # reports holding evidence
    forbidden: set[int]  # reports that must not be cited
    named: set[int]  # reports of the regions the question names
    answerable: bool
    synthetic: bool = False
    corpus_features: np.ndarray | None = None  # the whole corpus's candidates, when the question names regions
    admissible: np.ndarray | None = None  # candidates the answer's constraints allow (answer.scoring.admissible)
    foreign: bool = False  # names a place outside the corpus: answered by that check, not by support


def evidence_spans(text: str, evidence: str) -> list[tuple[int, int]]:
    """Where an evidence passage lies in a report's text, compared as the scoring rules compare."""
    characters: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        for part in normalize(ch):  # NFKC may turn one character into several, white space into none
            characters.append(part)
            offsets.append(i)
    squashed = "".join(characters)
    needle = normalize(evidence)
    if not needle:
        return []
    spans, start = [], squashed.find(needle)
    while start != -1 and start + len(needle) <= len(offsets):
        spans.append((offsets[start], offsets[start + len(needle) - 1] + 1))
        start = squashed.find(needle, start + 1)
    return spans


def build_examples(retriever: HybridRetriever, gold: Sequence[GoldQuestion], synthetic: bool = True) -> list[Example]:
    """Candidate units with features and labels for every gold question (and synthetic hard negatives)."""
    units = retriever.units
    out: list[Example] = []
    for question in gold:
        plan = analyze(question.question, retriever.resolver, user_turns(question.history))
        out.append(_example(retriever, plan, question, question.id))
        if not (synthetic and question.answerable and len(plan.filters.regions) == 1
                and plan.intent in (Intent.NUMERIC, Intent.FACTOID)):
            continue
        # Hard negatives the gold sets have too few of: the question asked of another region whose report
        # lacks its main words.
        topic = topic_of(plan, units)
        heaviest = topic.words[0][1] if topic.words else 0.0
        main_words = [word for word, weight in topic.words if weight >= 0.5 * heaviest]
        for region in retriever.resolver.regions:
            if region in plan.filters.regions or not main_words:
                continue
            sources = retriever.sources_matching(Filters(regions=(region,)))
            text = "".join(units.texts[i] for i in units.units_of(sources))
            if any(word in text for word in main_words):
                continue  # the other report may well answer it: not a safe negative
            out.append(_synthetic(retriever, replace(plan, filters=replace(plan.filters, regions=(region,))),
                                  question.id))
    return out


def _synthetic(retriever: HybridRetriever, plan: QueryPlan, group: str) -> Example:
    example = _example(retriever, plan, None, group)
    example.synthetic = True
    return example


def _example(retriever: HybridRetriever, plan: QueryPlan, question: GoldQuestion | None, group: str) -> Example:
    units = retriever.units
    years = {s: m.year for s, m in retriever.metas.items()}
    scorer = _scorer(retriever)
    ids = scorer.candidates(plan.filters)
    chunks = retriever.chunk_scores(search_query(plan), plan.filters)
    features = feature_matrix(plan, topic_of(plan, units), units, ids, chunks, years, scorer.unit_similarity(plan, ids))
    corpus = None
    if plan.filters.regions:  # the whole corpus's candidates: support compares against their best
        everywhere = Filters(kinds=plan.filters.kinds)
        corpus_chunks = retriever.chunk_scores(search_query(plan), everywhere)
        corpus_ids = scorer.candidates(everywhere)
        corpus = feature_matrix(plan, topic_of(plan, units), units, corpus_ids, corpus_chunks, years,
                                scorer.unit_similarity(plan, corpus_ids))
    labels = np.zeros(len(ids), dtype=np.int64)
    wanted: set[int] = set()
    forbidden: set[int] = set()
    if question is not None:
        for evidence in question.evidence:
            report = retriever.report(evidence.source)
            if report is None or evidence.source not in units.sources:
                continue
            report_id = units.sources.index(evidence.source)
            wanted.add(report_id)
            for start, end in evidence_spans(report.text, evidence.text):
                overlap = np.minimum(units.end[ids], end) - np.maximum(units.start[ids], start)
                shorter = np.minimum(units.end[ids] - units.start[ids], end - start)
                labels |= ((units.source_id[ids] == report_id) & (overlap >= np.maximum(1, 0.5 * shorter)))
        for name in question.answer_must_not_contain:
            for file_name, meta in retriever.metas.items():
                if meta.region and name in meta.region and file_name in units.sources:
                    forbidden.add(units.sources.index(file_name))
    named = {units.sources.index(s) for s in retriever.sources_matching(Filters(regions=plan.filters.regions))
             } if plan.filters.regions else set()
    # Which decision the question informs: the builder of its intent applies that threshold (compare answers
    # each named region like a list entry; report-metadata answers and a section's points use none).
    kind = {Intent.LIST: "list", Intent.COMPARE: "list", Intent.WORDING: "wording", Intent.FILTER: "none"}.get(
        plan.intent, "none" if plan.intent is Intent.SECTION and plan.filters.kinds else "answer")
    answerable = question.answerable if question is not None else False
    return Example(group, kind, features, labels, units.source_id[ids], wanted, forbidden, named, answerable,
                   corpus_features=corpus, admissible=admissible(plan, units, ids, features),
                   foreign=bool(plan.foreign_places and not plan.filters.regions))


_SCORERS: dict[int, ClauseScorer] = {}


def _scorer(retriever: HybridRetriever) -> ClauseScorer:
    """One unfitted scorer per retriever, so unit vectors are embedded once for all questions."""
    if id(retriever) not in _SCORERS:
        _SCORERS[id(retriever)] = ClauseScorer(retriever, ScorerModel(_UNTRAINED, _UNTRAINED_SUPPORT))
    return _SCORERS[id(retriever)]


def fit_logistic(names: tuple[str, ...], x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float,
                 iterations: int = 60) -> Logistic:
    """Weighted L2 logistic regression by Newton's method on standardised features (so the penalty treats
    every feature alike; the intercept is not penalised), returned in the features' own units."""
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    x1 = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    beta = np.zeros(x1.shape[1])
    penalty = np.full(x1.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(x1 @ beta)))
        gradient = x1.T @ (w * (p - y)) + penalty * beta
        hessian = (x1 * (w * p * (1 - p))[:, None]).T @ x1 + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    coef = beta[:-1] / scale
    return Logistic(names, coef, float(beta[-1] - (coef * mean).sum()))


def fit_rank(examples: Sequence[Example]) -> Logistic:
    """The ranking model: units vs evidence, each question's positives and negatives weighing one each."""
    rows, labels, weights = [], [], []
    for example in examples:
        positives = int(example.labels.sum())
        if positives == 0:
            continue
        negatives = len(example.labels) - positives
        rows.append(example.features)
        labels.append(example.labels)
        weights.append(np.where(example.labels == 1, 1.0 / positives, 1.0 / max(1, negatives)))
    return fit_logistic(FEATURES, np.vstack(rows), np.concatenate(labels).astype(np.float64), np.concatenate(weights),
                        RANK_L2)


def support_rows(example: Example, rank: Logistic) -> list[tuple[np.ndarray, bool]]:
    """(features of a report's best-ranked unit, does the report support an answer) for the reports that tell."""
    if not len(example.features) or example.kind == "none" or example.foreign:
        return []  # decided without the support model
    corpus_best = None
    if example.corpus_features is not None and len(example.corpus_features):
        corpus_best = float(rank.logit(example.corpus_features).max())
    inputs = support_inputs(example.features, rank, corpus_best)
    order = np.argsort(-rank.probability(example.features), kind="stable")
    best: dict[int, np.ndarray] = {}
    for position in order:
        if example.admissible is None or example.admissible[position]:
            best.setdefault(int(example.sources[position]), inputs[position])
    if example.kind in ("list", "wording") and not example.named:
        return [(best[s], s in example.wanted) for s in example.wanted | example.forbidden if s in best]
    targets = example.named or {int(example.sources[order[0]])}
    return [(best[s], example.answerable and (not example.wanted or s in example.wanted))
            for s in targets if s in best]


def fit_support(examples: Sequence[Example], rank: Logistic) -> Logistic:
    """The support model, classes balanced."""
    rows = [row for example in examples for row in support_rows(example, rank)]
    x = np.vstack([features for features, _ in rows])
    y = np.asarray([label for _, label in rows], dtype=np.float64)
    positives = max(1.0, y.sum())
    negatives = max(1.0, len(y) - y.sum())
    w = np.where(y == 1, len(y) / (2 * positives), len(y) / (2 * negatives))
    return fit_logistic(SUPPORT_FEATURES, x, y, w, SUPPORT_L2)


def decisions(examples: Sequence[Example], rank: Logistic, support: Logistic) -> dict[str, list[tuple[float, bool]]]:
    """(support probability, should be supported) per kind of decision."""
    out: dict[str, list[tuple[float, bool]]] = {"answer": [], "list": [], "wording": []}
    for example in examples:
        if example.kind == "none":
            continue
        for features, label in support_rows(example, rank):
            out[example.kind].append((float(support.probability(features[None, :])[0]), label))
    return out


def best_threshold(pairs: Sequence[tuple[float, bool]], recall_weight: float = 1.0) -> float:
    """The cut that maximises F-beta for lists and wording (beta = recall_weight; measured on the gold sets, F2
    bought two more found reports for five more wrong ones, so lists use F1), and for single answers
    (recall_weight exactly 1) accuracy with a wrong answer costing twice a wrong abstention: an abstention
    still shows the closest passages, a wrong figure misleads. The middle of the best range."""
    ordered = sorted(pairs)
    if not ordered:
        return 0.5
    cuts = [ordered[0][0] - 1e-6] + [(a[0] + b[0]) / 2 for a, b in itertools.pairwise(ordered)] \
        + [ordered[-1][0] + 1e-6]
    beta2 = recall_weight ** 2

    def score(cut: float) -> float:
        tp = sum(s >= cut and p for s, p in ordered)
        fp = sum(s >= cut and not p for s, p in ordered)
        fn = sum(s < cut and p for s, p in ordered)
        tn = len(ordered) - tp - fp - fn
        if recall_weight == 1.0:
            return (tp + tn - fp) / len(ordered)
        return (1 + beta2) * tp / max(1e-9, (1 + beta2) * tp + beta2 * fn + fp)

    best = max(score(c) for c in cuts)
    good = [c for c in cuts if score(c) == best]
    return float(good[len(good) // 2])


RECALL_WEIGHT = {"answer": 1.0, "list": 1.0001, "wording": 1.0001}  # F1: a missing and a wrong report weigh alike


def ranking_quality(examples: Sequence[Example], rank: Logistic) -> dict[str, float]:
    """Top-1 and top-3 evidence hit rates of questions with evidence among their candidates."""
    top1 = top3 = count = 0
    for example in examples:
        if example.kind != "answer" or not example.labels.any():
            continue
        order = np.argsort(-rank.probability(example.features), kind="stable")
        count += 1
        top1 += int(example.labels[order[0]])
        top3 += int(example.labels[order[:3]].any())
    return {"questions": count, "top1": round(top1 / max(1, count), 3), "top3": round(top3 / max(1, count), 3)}


def cross_validate(examples: Sequence[Example], folds: int = FOLDS, seed: int = 0) -> dict[str, float]:
    """Question-level k-fold: fit on the rest, measure ranking and decisions on the held-out fold."""
    groups = sorted({e.question for e in examples})
    random.Random(seed).shuffle(groups)
    fold_of = {g: i % folds for i, g in enumerate(groups)}
    totals: dict[str, list[float]] = {"top1": [], "top3": [], "answer_acc": [], "list_acc": [], "wording_acc": []}
    for fold in range(folds):
        train = [e for e in examples if fold_of[e.question] != fold]
        test = [e for e in examples if fold_of[e.question] == fold]
        rank = fit_rank(train)
        support = fit_support(train, rank)
        cuts = {k: best_threshold(v, RECALL_WEIGHT[k]) for k, v in decisions(train, rank, support).items()}
        quality = ranking_quality(test, rank)
        totals["top1"].append(quality["top1"])
        totals["top3"].append(quality["top3"])
        for kind, pairs in decisions(test, rank, support).items():
            if pairs:
                totals[f"{kind}_acc"].append(sum((s >= cuts[kind]) == p for s, p in pairs) / len(pairs))
    return {k: round(float(np.mean(v)), 3) for k, v in totals.items() if v}


def lexical(examples: Sequence[Example]) -> list[Example]:
    """The examples with the dense (embedding) features zeroed: what the lexical variant is fitted on."""
    columns = [FEATURES.index(name) for name in DENSE_FEATURES]

    def without(features: np.ndarray) -> np.ndarray:
        copy = features.copy()
        copy[:, columns] = 0.0
        return copy

    return [replace(e, features=without(e.features),
                    corpus_features=None if e.corpus_features is None else without(e.corpus_features))
            for e in examples]


def fit(examples: Sequence[Example], gold_names: Sequence[str], questions: int, dense: bool = True) -> ScorerModel:
    """Both models, their thresholds and the report of how they were fitted (dense False: the lexical variant)."""
    examples = list(examples) if dense else lexical(examples)
    rank = fit_rank(examples)
    support = fit_support(examples, rank)
    made = decisions(examples, rank, support)
    thresholds = {k: round(best_threshold(v, RECALL_WEIGHT[k]), 4) for k, v in made.items()}
    report = {
        "gold": list(gold_names), "questions": questions, "synthetic_negatives": sum(e.synthetic for e in examples),
        "rank_rows": int(sum(len(e.labels) for e in examples)), "positives": int(sum(e.labels.sum() for e in examples)),
        "support_rows": {k: len(v) for k, v in made.items()},
        "train": ranking_quality(examples, rank), "cross_validation": cross_validate(examples),
        "threshold_choice": "cut maximising accuracy (answer) or F2 (list, wording: recall weighs double) on the "
                            "training rows of each kind, middle of the best range",
    }
    return ScorerModel(rank, support, thresholds, report, dense)


def main(argv: Sequence[str] | None = None) -> int:
    """Fit, cross-validate, print, and with --write save answer/scorer.json."""
    from index.embedders import make_embedder
    from index.search import SearchIndex

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", action="append",
                        help="index folder, or FOLDER=EMBEDDER; repeat to fit on several embedders' features "
                             "(the same question stays in one cross-validation fold)")
    parser.add_argument("--gold", action="append", required=True)
    parser.add_argument("--embedder", default="onnx-e5", help="embedder of an --index given without =EMBEDDER")
    parser.add_argument("--write", action="store_true", help=f"save the model to {MODEL_FILE}")
    args = parser.parse_args(argv)
    examples: list[Example] = []
    gold: list[GoldQuestion] = []
    for spec in args.index or ["var/index"]:
        folder, _, embedder = spec.partition("=")
        index = SearchIndex.open(Path(folder), make_embedder(embedder or args.embedder))
        gold = [q for path in args.gold for q in load_gold(Path(path), index.report_text)]
        examples += build_examples(HybridRetriever(index), gold)
    names = [Path(p).name for p in args.gold]
    variants = {"dense": fit(examples, names, len(gold)).to_json(),
                "lexical": fit(examples, names, len(gold), dense=False).to_json()}
    print(json.dumps(variants, ensure_ascii=False, indent=2))
    if args.write:
        MODEL_FILE.write_text(json.dumps(variants, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"written {MODEL_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
