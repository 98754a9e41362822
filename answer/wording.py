"""Precedent wording for drafters: verbatim sentences across reports, near-duplicates folded."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from answer.evidence import score_sentences, sentences_of
from answer.matching import normalized_fragments
from corpus.types import Section
from retriever.analysis import Filters, topic_fragments
from retriever.hybrid import HybridRetriever

_NOISE = re.compile(r"[\d\s.,，。;；:：、“”\"'()（）%]+")
_CLOSING = "。；;：:！!？?，, "


@dataclass(slots=True)
class WordingHit:
    """One way a measure was phrased, with the reports that phrased it (near-)identically."""

    text: str
    source: str
    region: str | None
    year: int | None
    title: str
    section: str
    start: int
    end: int
    score: float
    variants: list[tuple[str, str]] = field(default_factory=list)  # (source, text) folded into this one

    @property
    def count(self) -> int:
        """How many sentences this entry stands for."""
        return 1 + len(self.variants)


def find_wording(retriever: HybridRetriever, phrase: str, filters: Filters | None = None, limit: int = 40,
                 minimum: float = 0.6) -> list[WordingHit]:
    """Sentences matching a phrase or topic, best first, near-duplicates (same words, other figures) folded."""
    phrase = phrase.strip()
    if not phrase:
        return []
    filters = filters or Filters()
    fragments = normalized_fragments(topic_fragments(phrase) or [phrase])
    candidates = retriever.per_report(phrase, filters, per_report=6)
    for source, hits in retriever.containing(normalized_fragments([phrase]), filters).items():
        candidates[source] = [*candidates.get(source, []), *hits]
    sentences = [s for hits in candidates.values() for s in sentences_of(hits)]
    out: list[WordingHit] = []
    keys: list[tuple[str, set[str]]] = []
    for scored in score_sentences(sentences, fragments):
        if scored.score < minimum or len(out) >= limit:
            break
        sentence = scored.sentence
        report = retriever.index.report(sentence.hit.chunk.source)
        if report is not None and is_heading_only(sentence.text, sentence.start, sentence.end, report.sections):
            continue
        key = _NOISE.sub("", sentence.normalized)
        bigrams = {key[i:i + 2] for i in range(len(key) - 1)}
        twin = next((i for i, (k, b) in enumerate(keys) if k == key or _jaccard(b, bigrams) >= 0.85), None)
        if twin is not None:
            out[twin].variants.append((sentence.hit.chunk.source, sentence.text))
            continue
        keys.append((key, bigrams))
        meta = sentence.hit.meta
        out.append(WordingHit(sentence.text, sentence.hit.chunk.source, meta.region, meta.year, meta.title,
                              sentence.hit.chunk.section_path, sentence.start, sentence.end, round(scored.score, 3)))
    return out


def is_heading_only(text: str, start: int, end: int, sections: Sequence[Section]) -> bool:
    """True when a sentence is only the heading or item label of a section with a body (二是做实行政争议化解。)."""
    label = text.strip().rstrip(_CLOSING)
    lead = len(text) - len(text.lstrip())
    return any(s.level > 0 and s.start == start + lead and s.end > end and label == s.marker + s.heading
               for s in sections)


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def wording_markdown(hits: list[WordingHit]) -> str:
    """The selection as markdown, grouped by region and year, each with its source."""
    lines = ["# 可借鉴的原文表述", ""]
    for group, items in _grouped(hits):
        lines += [f"## {group}", ""]
        lines += [f"- {h.text}（《{h.title}》 {h.section}）" + (f" ×{h.count}" if h.count > 1 else "") for h in items]
        lines.append("")
    return "\n".join(lines)


def wording_docx(hits: list[WordingHit], path: str) -> None:
    """The selection as a Word document."""
    import docx

    document = docx.Document()
    document.add_heading("可借鉴的原文表述", level=1)
    for group, items in _grouped(hits):
        document.add_heading(group, level=2)
        for hit in items:
            paragraph = document.add_paragraph(hit.text, style="List Bullet")
            paragraph.add_run(f"（《{hit.title}》 {hit.section}）").italic = True
    document.save(path)


def _grouped(hits: list[WordingHit]) -> list[tuple[str, list[WordingHit]]]:
    groups: dict[str, list[WordingHit]] = {}
    for hit in hits:
        groups.setdefault(f"{hit.region or hit.source}（{hit.year or '?'}年）", []).append(hit)
    return list(groups.items())
