"""Evidence units: every sentence of every chunk, normalised, with the corpus statistics answers are scored by.

A unit is a sentence as the chunker cut it (at 。！？； line ends and 一是/二是 items, never across a
section). For each unit the index keeps its normalised text, its chunk, its section and the unit before
it, whether it states a figure and whether it is only a heading; for the corpus it keeps posting lists
of character bigrams over units and over section headings, and word document frequencies. They are
computed when the index is built, so answering never re-analyses the corpus.
"""

from __future__ import annotations

import json
import math
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus.clean import IDENTITY_LINE
from corpus.lexicon import specificities
from corpus.patterns import CJK, has_figure, normalize_for_search
from corpus.sections import is_heading_only, signature_start
from corpus.types import Report

UNITS_FILE = "units.npz"
UNITS_META = "units.json"
_TERM_CHAR = f"0-9a-z{CJK}%."


def bigrams(text: str) -> set[str]:
    """Character bigrams of the CJK/alphanumeric runs of a normalised text."""
    import re

    out: set[str] = set()
    for run in re.findall(f"[{_TERM_CHAR}]+", text):
        out.update(run[i:i + 2] for i in range(len(run) - 1))
    return out


def is_term_run(text: str) -> bool:
    """Whether text is one run of the characters bigrams are taken from: a text holds such a run only if it
    holds every bigram of it (so postings narrow down where it can stand)."""
    import re

    return re.fullmatch(f"[{_TERM_CHAR}]+", text) is not None


def words(text: str) -> set[str]:
    """Words (rjieba) of two characters or more in a normalised text."""
    import rjieba

    return {w for w in rjieba.cut(text) if len(w) >= 2 and is_term_run(w)}


@dataclass(frozen=True, slots=True)
class Postings:
    """Term -> sorted ids of the items containing it (a compressed sparse column layout)."""

    vocab: dict[str, int]
    indptr: np.ndarray
    indices: np.ndarray

    @classmethod
    def build(cls, term_sets: Iterable[Iterable[str]]) -> Postings:
        """Postings of item i for every term in term_sets[i] (each item's terms distinct), read one item at a time.

        (term, item) pairs go into two int32 arrays and are sorted once, so a corpus of 10 M pairs costs
        80 MB rather than the gigabyte Python lists of ints would.
        """
        ids: dict[str, int] = {}
        term_ids, item_ids = array("i"), array("i")
        for item, terms in enumerate(term_sets):
            for term in terms:
                term_ids.append(ids.setdefault(term, len(ids)))
                item_ids.append(item)
        names = sorted(ids)
        rank = np.empty(len(ids), dtype=np.int32)
        rank[np.fromiter((ids[n] for n in names), dtype=np.int64, count=len(names))] = np.arange(len(names))
        sorted_terms = rank[np.frombuffer(term_ids, dtype=np.int32)] if term_ids else np.zeros(0, dtype=np.int32)
        order = np.argsort(sorted_terms, kind="stable")  # items stay ascending within a term
        indices = np.frombuffer(item_ids, dtype=np.int32)[order] if item_ids else np.zeros(0, dtype=np.int32)
        counts = np.bincount(sorted_terms, minlength=len(names))
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return cls({term: j for j, term in enumerate(names)}, indptr, indices.astype(np.int32))

    def items(self, term: str) -> np.ndarray:
        """Ids of the items containing the term (empty if none)."""
        j = self.vocab.get(term)
        if j is None:
            return np.zeros(0, dtype=np.int32)
        return self.indices[self.indptr[j]:self.indptr[j + 1]]

    def df(self, term: str) -> int:
        """How many items contain the term."""
        j = self.vocab.get(term)
        return 0 if j is None else int(self.indptr[j + 1] - self.indptr[j])


@dataclass(frozen=True, slots=True)
class UnitIndex:
    """All evidence units of an index version, in report and text order."""

    sources: list[str]  # report file names; unit_source indexes into it
    texts: list[str]  # normalised text of each unit
    row: np.ndarray  # chunk row id
    start: np.ndarray  # absolute offsets in the report's canonical text
    end: np.ndarray
    source_id: np.ndarray
    section: np.ndarray  # index into section_paths
    previous: np.ndarray  # the unit before in the same section, or -1
    figure: np.ndarray  # bool: states a figure other than a year
    heading: np.ndarray  # bool: the unit is only a heading or an item label
    metadata: np.ndarray  # bool: a header row kept for metadata (文号:…, 信息来源:…) or the signature block
    section_paths: list[str]  # normalised heading path of each section
    section_kind: list[str]
    unit_bigrams: Postings
    section_bigrams: Postings
    word_df: dict[str, int]
    word_specificity: dict[str, float]  # corpus words less specific than a rare word (corpus.lexicon)

    def __len__(self) -> int:
        return len(self.texts)

    def bigram_idf(self, term: str) -> float:
        """Inverse document frequency of a bigram over units; 0 for a bigram the corpus never uses."""
        return _idf(self.unit_bigrams.df(term), len(self))

    def word_idf(self, word: str) -> float:
        """Inverse document frequency of a word over units; 0 for a word the corpus never uses."""
        return _idf(self.word_df.get(word, 0), len(self))

    def specificity(self, word: str) -> float:
        """How specific a corpus word is in general Chinese (1 for rare or unknown words)."""
        return self.word_specificity.get(word, 1.0)

    def phrase_df(self, phrase: str) -> int:
        """How many units contain the (normalised) phrase verbatim."""
        grams = sorted(bigrams(phrase), key=self.unit_bigrams.df)
        if not grams:
            return 0
        holders = self.unit_bigrams.items(grams[0])
        for gram in grams[1:]:
            if not len(holders):
                return 0
            holders = np.intersect1d(holders, self.unit_bigrams.items(gram), assume_unique=True)
        return sum(phrase in self.texts[i] for i in holders)

    def phrase_idf(self, phrase: str) -> float:
        """Inverse document frequency of a phrase over units; 0 if no unit holds it."""
        return _idf(self.phrase_df(phrase), len(self))

    def units_of(self, sources: Iterable[str]) -> np.ndarray:
        """Ids of the units of these reports."""
        position = {s: i for i, s in enumerate(self.sources)}
        wanted = {position[s] for s in sources if s in position}
        return np.flatnonzero(np.isin(self.source_id, list(wanted)))

    def save(self, folder: Path) -> None:
        """Arrays in one .npz (no pickle), texts, vocabularies and names in JSON."""
        np.savez(folder / UNITS_FILE, row=self.row, start=self.start, end=self.end, source_id=self.source_id,
                 section=self.section, previous=self.previous, figure=self.figure, heading=self.heading,
                 metadata=self.metadata,
                 unit_indptr=self.unit_bigrams.indptr, unit_indices=self.unit_bigrams.indices,
                 section_indptr=self.section_bigrams.indptr, section_indices=self.section_bigrams.indices)
        meta = {"sources": self.sources, "texts": self.texts, "section_paths": self.section_paths,
                "section_kind": self.section_kind, "unit_vocab": list(self.unit_bigrams.vocab),
                "section_vocab": list(self.section_bigrams.vocab), "word_df": self.word_df,
                "word_specificity": self.word_specificity}
        (folder / UNITS_META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> UnitIndex:
        """Read what `save` wrote; nothing is executed."""
        arrays = np.load(folder / UNITS_FILE, allow_pickle=False)
        meta = json.loads((folder / UNITS_META).read_text(encoding="utf-8"))
        unit_postings = Postings({t: j for j, t in enumerate(meta["unit_vocab"])}, arrays["unit_indptr"],
                                 arrays["unit_indices"])
        section_postings = Postings({t: j for j, t in enumerate(meta["section_vocab"])}, arrays["section_indptr"],
                                    arrays["section_indices"])
        return cls(meta["sources"], meta["texts"], arrays["row"], arrays["start"], arrays["end"],
                   arrays["source_id"], arrays["section"], arrays["previous"], arrays["figure"], arrays["heading"],
                   arrays["metadata"],
                   meta["section_paths"], meta["section_kind"], unit_postings, section_postings,
                   {k: int(v) for k, v in meta["word_df"].items()}, dict(meta["word_specificity"]))


def _idf(df: int, n: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5)) if df else 0.0


@dataclass(frozen=True, slots=True)
class ChunkUnits:
    """What the unit builder needs of one stored chunk."""

    row: int
    section_id: int
    sentence_spans: tuple[tuple[int, int], ...]


def build_units(reports: Iterable[tuple[Report, Sequence[ChunkUnits]]]) -> UnitIndex:
    """The unit index of a corpus from each report (text, sections) with its chunks' sentences, in source order;
    one report is read at a time."""
    sources: list[str] = []
    section_paths: list[str] = []
    section_kind: list[str] = []
    texts: list[str] = []
    rows, starts, ends = array("q"), array("q"), array("q")
    source_ids, sections, previous = array("i"), array("i"), array("i")
    figures, headings, metadata = bytearray(), bytearray(), bytearray()
    last: dict[int, int] = {}
    word_df: Counter[str] = Counter()
    for report, chunks in reports:
        if sources and report.source <= sources[-1]:
            raise ValueError(f"reports must come in source order: {report.source} after {sources[-1]}")
        source_id = len(sources)
        sources.append(report.source)
        section_key: dict[int, int] = {}
        for section in report.sections:
            section_key[section.section_id] = len(section_paths)
            section_paths.append(normalize_for_search(" ".join(section.labels)))
            section_kind.append(section.kind)
        spans = sorted(((s, e, c.row, c.section_id) for c in chunks for s, e in c.sentence_spans),
                       key=lambda item: item[0])
        signature = signature_start(report.text)
        for start, end, row, section_id in spans:
            raw = report.text[start:end]
            text = normalize_for_search(raw)
            global_section = section_key[section_id]
            previous.append(last.get(global_section, -1))
            last[global_section] = len(texts)
            texts.append(text)
            rows.append(row)
            starts.append(start)
            ends.append(end)
            source_ids.append(source_id)
            sections.append(global_section)
            figures.append(has_figure(raw))
            headings.append(is_heading_only(raw, start, end, report.sections))
            metadata.append(bool(IDENTITY_LINE.match(raw)) or start >= signature)
            word_df.update(words(text))
    return UnitIndex(
        sources, texts, np.array(rows, dtype=np.int64), np.array(starts, dtype=np.int64),
        np.array(ends, dtype=np.int64), np.array(source_ids, dtype=np.int32),
        np.array(sections, dtype=np.int32), np.array(previous, dtype=np.int32),
        np.frombuffer(figures, dtype=bool).copy(), np.frombuffer(headings, dtype=bool).copy(),
        np.frombuffer(metadata, dtype=bool).copy(),
        section_paths, section_kind,
        Postings.build(bigrams(t) for t in texts), Postings.build(bigrams(p) for p in section_paths),
        dict(word_df), {w: round(s, 3) for w, s in specificities(word_df.keys()).items() if s < 1.0})
