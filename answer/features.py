"""Named features of a (question, evidence unit) pair, computed for many units at once.

Term weights come from the corpus (inverse document frequency over units): a word the reports never
use weighs nothing, so it can never be required evidence; rare terms weigh most. Coverage is measured
on character bigrams inside the question's topic fragments, so a paraphrase that shares the telling
part of a term (体检企业 ~ 法治体检, 仲裁委员会 ~ 仲裁机构) still counts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from corpus.patterns import YEAR, figures_in
from index.units import UnitIndex, bigrams, is_term_run
from retriever.analysis import QueryPlan
from retriever.types import ChunkScores

FEATURES = (
    "coverage",  # share of the topic's weight whose bigrams the unit contains
    "context_coverage",  # share found only in the unit's context (section headings, the unit before)
    "mass",  # log of the topic weight the unit matches (not normalised: request words cannot dilute it)
    "word_coverage",  # share of the topic's weighted words the unit contains verbatim
    "top_word",  # the rarest topic word is in the unit (or its context)
    "missing_word",  # weight of the heaviest topic word absent from the unit and its context, relative to the heaviest
    "longest_run",  # longest verbatim run of the topic in the unit, relative to a phrase
    "figure",  # the unit states a figure and the question asks for one
    "counter",  # a figure with the unit asked for (多少件 -> …845件)
    "figure_near",  # a figure stands right next to one of the topic's main words (建立7个合规联系点)
    "quoted",  # every phrase the question puts in quotation marks is in the unit (or its context)
    "outcome",  # the question asks what came of something and the unit states a figure
    "heading",  # the unit is only a heading or item label
    "dense",  # the unit's chunk: dense similarity, relative to the best chunk
    "dense_raw",  # the unit's chunk: dense (cosine) similarity itself
    "unit_dense",  # the unit itself: dense similarity to the question, relative to the best unit
    "unit_dense_raw",  # the unit itself: dense (cosine) similarity to the question
    "bm25",  # the unit's chunk: BM25, relative to the best chunk
    "year",  # +1 the year asked is the unit's (or its report's), -1 another year is
    "kind",  # the unit's section is of the kind asked (存在问题, 工作安排…)
    "length",  # log length of the unit
)
PART_WEIGHT, OTHER_PART_WEIGHT, CONTEXT_WEIGHT = 1.0, 0.5, 0.4
UNKNOWN_WORD_DISCOUNT = 0.7  # a question word the reports never use weighs by its known bigrams, discounted
FIGURE_TERM_WEIGHT = 0.5
NUMBER_TERM = re.compile(r"\d+(?:\.\d+)?%?")
STRONG_RUN = 6  # a verbatim run this long is as strong as a whole phrase


@dataclass(frozen=True, slots=True)
class Topic:
    """The question's topic as weighted terms."""

    bigrams: dict[str, float]  # bigram -> weight
    words: list[tuple[str, float]]  # topic words with their weights, rarest first
    fragments: tuple[str, ...]  # fragments of the part asked (for verbatim runs)
    word_grams: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)  # word -> (bigram, IDF)

    @property
    def total(self) -> float:
        """Sum of the bigram weights."""
        return sum(self.bigrams.values())


def topic_of(plan: QueryPlan, units: UnitIndex, part: int | None = None) -> Topic:
    """Weighted terms of the whole question (part None) or of one part, the other parts and history lower.

    A term's weight is its rarity in the reports (IDF over units) times its specificity in general
    Chinese (corpus.lexicon): 枫桥 outweighs 推广 even where both are rare in a small corpus.
    """
    import rjieba

    weighted: list[tuple[str, float]] = []
    for index, fragments in enumerate(plan.parts):
        share = PART_WEIGHT if part is None or index == part else OTHER_PART_WEIGHT
        weighted += [(f, share) for f in fragments]
    weighted += [(f, CONTEXT_WEIGHT) for f in plan.context]
    grams: dict[str, float] = {}
    word_weights: dict[str, float] = {}
    for fragment, share in weighted:
        tokens = list(rjieba.cut(fragment))
        spec = [units.specificity(token) for token in tokens for _ in token]  # per character
        for i in range(len(fragment) - 1):
            gram = fragment[i:i + 2]
            if gram in bigrams(gram):
                weight = share * units.bigram_idf(gram) * min(spec[i], spec[i + 1])
                grams[gram] = max(grams.get(gram, 0.0), weight)
        for word in (t for t in tokens if len(t) >= 2):
            weight = share * _word_rarity(word, units) * units.specificity(word)
            if NUMBER_TERM.fullmatch(word):
                weight *= FIGURE_TERM_WEIGHT  # 100% in 出庭率达到100% is a condition, not the topic
            if weight > 0:
                word_weights[word] = max(word_weights.get(word, 0.0), weight)
        for phrase in corpus_phrases(tokens, units):
            # As rare as the reports make it, but never heavier than its words together.
            parts = sum(_word_rarity(t, units) * units.specificity(t) for t in rjieba.cut(phrase) if len(t) >= 2)
            weight = share * min(units.phrase_idf(phrase), parts)
            word_weights[phrase] = max(word_weights.get(phrase, 0.0), weight)
    asked = plan.parts[part] if part is not None and part < len(plan.parts) else plan.fragments
    ranked = sorted(word_weights.items(), key=lambda item: -item[1])
    word_grams = {word: tuple((g, units.bigram_idf(g)) for g in bigrams(word)) for word in word_weights}
    return Topic({g: w for g, w in grams.items() if w > 0}, ranked, tuple(asked), word_grams)


def corpus_phrases(tokens: Sequence[str], units: UnitIndex, longest: int = 6) -> list[str]:
    """Runs of two or more of the question's words that the reports use as one expression
    (设立|行政|争议|调解|中心 holds 行政争议调解中心): the concept, weighed as one term; only the longest
    attested runs are kept."""
    found: list[tuple[int, int]] = []
    for size in range(min(longest, len(tokens)), 1, -1):
        for start in range(len(tokens) - size + 1):
            end = start + size
            if any(a <= start and end <= b for a, b in found):
                continue
            phrase = "".join(tokens[start:end])
            if len(phrase) >= 4 and units.phrase_df(phrase):
                found.append((start, end))
    return ["".join(tokens[a:b]) for a, b in sorted(found)]


def _word_rarity(word: str, units: UnitIndex) -> float:
    """IDF of a corpus word; for a word the reports never use (快速通道), a discounted IDF of its bigrams
    that they do use (通道), so a paraphrase can still match part of it."""
    idf = units.word_idf(word)
    if idf:
        return idf
    known = [units.bigram_idf(g) for g in bigrams(word) if units.bigram_idf(g) > 0]
    return UNKNOWN_WORD_DISCOUNT * sum(known) / len(known) if known else 0.0


class CandidateTexts:
    """The texts of candidate units and of their contexts (section headings, the unit before), searched through
    the unit index's bigram postings: a term is looked for only in the texts that hold all its bigrams, so a
    list question over thousands of units makes few string comparisons."""

    def __init__(self, units: UnitIndex, candidates: np.ndarray) -> None:
        self.units, self.candidates = units, candidates
        self.position = np.full(len(units), -1, dtype=np.int64)
        self.position[candidates] = np.arange(len(candidates))
        # A unit is the previous of at most one unit (the next in its section): map it to that candidate.
        self.follower = np.full(len(units), -1, dtype=np.int64)
        previous = units.previous[candidates]
        self.follower[previous[previous >= 0]] = np.flatnonzero(previous >= 0)
        self.sections = units.section[candidates]
        self._heading_has = np.zeros(len(units.section_paths), dtype=bool)  # reset after each use
        self._texts: list[str] | None = None
        self._contexts: list[str] | None = None
        self._grams: dict[tuple[str, bool], np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.candidates)

    @property
    def texts(self) -> list[str]:
        if self._texts is None:
            self._texts = [self.units.texts[i] for i in self.candidates]
        return self._texts

    @property
    def contexts(self) -> list[str]:
        if self._contexts is None:
            self._contexts = [context_text(self.units, int(i)) for i in self.candidates]
        return self._contexts

    def has_gram(self, gram: str, context: bool = False) -> np.ndarray:
        """Whether each candidate's text (or context) holds a bigram, from the postings alone."""
        key = (gram, context)
        if key not in self._grams:
            found = np.zeros(len(self), dtype=bool)
            holders = self.units.unit_bigrams.items(gram)
            if context:
                followers = self.follower[holders]
                found[followers[followers >= 0]] = True
                headings = self.units.section_bigrams.items(gram)
                self._heading_has[headings] = True
                found |= self._heading_has[self.sections]
                self._heading_has[headings] = False
            else:
                rows = self.position[holders]
                found[rows[rows >= 0]] = True
            self._grams[key] = found
        return self._grams[key]

    def contains(self, part: str, context: bool = False) -> np.ndarray:
        """Whether each candidate's text (or context) holds part verbatim."""
        texts = self.contexts if context else self.texts
        if len(part) < 2 or not is_term_run(part):
            return np.fromiter((part in text for text in texts), dtype=bool, count=len(texts))
        possible = np.ones(len(self), dtype=bool)
        for gram in bigrams(part):
            possible &= self.has_gram(gram, context)
        if len(part) > 2:
            for i in np.flatnonzero(possible):
                possible[i] = part in texts[i]
        return possible

    def presence(self, grams: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        """Boolean (candidates × grams): in the unit, and in its context."""
        grams = list(grams)
        in_unit = np.zeros((len(self), len(grams)), dtype=bool)
        in_context = np.zeros_like(in_unit)
        for j, gram in enumerate(grams):
            in_unit[:, j] = self.has_gram(gram)
            in_context[:, j] = self.has_gram(gram, context=True)
        return in_unit, in_context


def word_matches(word: str, texts: CandidateTexts, grams: Sequence[tuple[str, float]], context: bool) -> np.ndarray:
    """For each candidate text (or context): 1 where the word stands verbatim, else half the IDF-weighted share
    of its bigrams (grams) the text holds; one word at a time over all the candidates."""
    verbatim = texts.contains(word, context)
    total = sum(w for _, w in grams)
    if not total:
        return verbatim.astype(np.float64)
    held = np.zeros(len(texts))
    for gram, weight in grams:
        held += weight * texts.contains(gram, context)
    return np.where(verbatim, 1.0, 0.5 * held / total)


def feature_matrix(plan: QueryPlan, topic: Topic, units: UnitIndex, candidates: np.ndarray, chunks: ChunkScores,
                   report_years: Mapping[str, int | None], unit_dense: np.ndarray | None = None) -> np.ndarray:
    """One row of FEATURES per candidate unit id, computed a feature (or a topic word) at a time over all of
    them: a list question at 1000 reports gives features to a few thousand units."""
    n = len(candidates)
    out = np.zeros((n, len(FEATURES)), dtype=np.float64)
    if n == 0:
        return out

    def put(name: str, values: np.ndarray | float) -> None:
        out[:, FEATURES.index(name)] = values

    if unit_dense is not None and len(unit_dense):
        put("unit_dense", unit_dense - unit_dense.max())
        put("unit_dense_raw", unit_dense)
    total = topic.total or 1.0
    candidate_texts = CandidateTexts(units, candidates)
    in_unit, in_context = candidate_texts.presence(topic.bigrams)
    weights = np.fromiter(topic.bigrams.values(), dtype=np.float64, count=len(topic.bigrams))
    matched = in_unit @ weights
    put("coverage", matched / total)
    put("context_coverage", ((in_context & ~in_unit) @ weights) / total)
    put("mass", np.log1p(matched))
    texts = candidate_texts.texts

    word_total = sum(w for _, w in topic.words) or 1.0
    heaviest = topic.words[0][1] if topic.words else 1.0
    covered, missing = np.zeros(n), np.zeros(n)
    for word, weight in topic.words:
        in_text = word_matches(word, candidate_texts, topic.word_grams[word], context=False)
        in_context_text = word_matches(word, candidate_texts, topic.word_grams[word], context=True)
        covered += weight * in_text
        missing = np.maximum(missing, weight * (1 - np.maximum(in_text, in_context_text)))
    put("word_coverage", covered / word_total)
    put("missing_word", missing / heaviest)
    if topic.words:
        top = topic.words[0][0]
        in_either = candidate_texts.contains(top) | candidate_texts.contains(top, context=True)
        put("top_word", in_either.astype(np.float64))
    put("longest_run", longest_runs(topic.fragments, candidate_texts))

    has_figure = units.figure[candidates].astype(bool)
    if plan.wants_figure:
        put("figure", has_figure.astype(np.float64))
    if plan.wants_outcome:
        put("outcome", has_figure.astype(np.float64))
    if plan.counters:
        wants_counter = counter_pattern(plan.counters)
        put("counter", np.fromiter((wants_counter.search(t) is not None for t in texts), dtype=np.float64, count=n))
    put("figure_near", np.fromiter((bool(f) and figure_near(t, topic) for f, t in zip(has_figure, texts, strict=True)),
                                   dtype=np.float64, count=n))
    if plan.quoted:
        quoted = np.ones(n, dtype=bool)
        for phrase in plan.quoted:
            quoted &= candidate_texts.contains(phrase) | candidate_texts.contains(phrase, context=True)
        put("quoted", quoted.astype(np.float64))
    put("heading", units.heading[candidates].astype(np.float64))

    rows = units.row[candidates].astype(np.int64)
    dense_best = chunks.dense.best()
    dense = chunks.dense.at(rows, missing=dense_best - 0.2)
    put("dense", dense - dense_best)
    put("dense_raw", dense)
    put("bm25", chunks.bm25.at(rows, missing=0.0) / (chunks.bm25.best() or 1.0))

    if plan.years or plan.relative_years:
        put("year", _year_column(plan, candidate_texts, report_years))
    if plan.filters.kinds:
        asked_kind = np.asarray([kind in plan.filters.kinds for kind in units.section_kind], dtype=bool)
        put("kind", asked_kind[units.section[candidates]].astype(np.float64))
    put("length", np.fromiter((math.log(1 + len(t)) / 5 for t in texts), dtype=np.float64, count=n))
    return out


def figure_near(text: str, topic: Topic, window: int = 3, main_words: int = 3) -> bool:
    """Whether a figure (not a year) stands within a few characters of one of the topic's main words."""
    for word, _ in topic.words[:main_words]:
        position = text.find(word)
        while position != -1:
            nearby = text[max(0, position - window - 4): position + len(word) + window + 4]
            if figures_in(nearby):
                return True
            position = text.find(word, position + 1)
    return False


def states_figure(text: str, plan: QueryPlan, topic: Topic) -> bool:
    """Whether text gives the figure a question asks for: a figure next to one of the topic's leading words
    (weight at least half the top word's), in the unit asked for when the question names one (件, %)."""
    if not topic.words:
        return False
    leading = sum(1 for _, weight in topic.words if weight >= topic.words[0][1] / 2)
    if not figure_near(text, topic, main_words=leading):
        return False
    return not plan.counters or counter_pattern(plan.counters).search(text) is not None


def counter_pattern(counters: Sequence[str]) -> re.Pattern[str]:
    """A figure followed by one of the units asked for (…845件, 4.92%)."""
    return re.compile(rf"\d(?:万)?(?:{'|'.join(map(re.escape, counters))})")


def context_text(units: UnitIndex, unit: int) -> str:
    previous = int(units.previous[unit])
    return units.section_paths[units.section[unit]] + "\n" + (units.texts[previous] if previous >= 0 else "")


def longest_runs(fragments: Sequence[str], texts: CandidateTexts) -> np.ndarray:
    """For each text, the longest substring of any fragment found in it verbatim, as a share of a phrase
    (STRONG_RUN characters, or the widest fragment if shorter; capped at 1; 0 below two characters).

    Runs are tried from the longest that counts down to two characters, each over all texts at once."""
    widest = max((len(f) for f in fragments), default=1)
    phrase = min(STRONG_RUN, max(widest, 2))
    runs = np.zeros(len(texts))
    for length in range(phrase, 1, -1):
        pieces = {f[start:start + length] for f in fragments for start in range(len(f) - length + 1)}
        found = np.zeros(len(texts), dtype=bool)
        for piece in pieces:
            found |= texts.contains(piece)
        runs[(runs == 0) & found] = length / phrase
    return runs


def _year_column(plan: QueryPlan, texts: CandidateTexts, report_years: Mapping[str, int | None]) -> np.ndarray:
    """_year_agreement of every candidate. Only a unit whose text or context holds one of the years that can be
    asked (or whose text ends in a digit or space, so a year could run on into its context) can state one:
    the others get their report's verdict without a regular expression."""
    units = texts.units
    years = [report_years.get(units.sources[s]) for s in units.source_id[texts.candidates]]
    askable = {*plan.years, *(y + r for y in set(years) if y for r in plan.relative_years)}
    may_state = np.zeros(len(texts), dtype=bool)
    for asked_year in askable:
        may_state |= texts.contains(str(asked_year)) | texts.contains(str(asked_year), context=True)
    may_state |= np.fromiter((bool(t) and (t[-1].isdigit() or t[-1].isspace()) for t in texts.texts),
                             dtype=bool, count=len(texts))
    column = np.empty(len(texts))
    for i, year in enumerate(years):
        text, context = ((texts.texts[i], context_text(units, int(texts.candidates[i]))) if may_state[i]
                         else ("", ""))  # states no year: the report's verdict alone
        column[i] = _year_agreement(plan, text, context, year)
    return column


def _year_agreement(plan: QueryPlan, text: str, context: str, report_year: int | None) -> float:
    """+1 when the unit states a year asked, 0.5 when the asked year is its report's (years it states are
    then comparisons: 较2019年增长…), -1 when neither: the unit is about another year than the one asked.
    Relative years (去年) count from the unit's report's year."""
    asked = {*plan.years, *((report_year + r) for r in plan.relative_years if report_year)}
    if not asked:
        return 0.0
    stated = {int(m.group(1)) for m in YEAR.finditer(text + context)}
    if stated & asked:
        return 1.0
    return 0.5 if report_year in asked else -1.0
