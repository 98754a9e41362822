"""Precedent wording for drafters: verbatim sentences across reports, near-duplicates folded."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from answer.builders.common import search_query
from answer.scoring import ClauseScorer
from corpus.patterns import normalize_for_search
from retriever.analysis import Filters, Intent, analyze
from retriever.types import Retriever

_NOISE = re.compile(r"[\d\s.,，。;；:：、“”\"'()（）%]+")


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


def find_wording(retriever: Retriever, phrase: str, filters: Filters | None = None, limit: int = 40,
                 minimum: float | None = None, scorer: ClauseScorer | None = None) -> list[WordingHit]:
    """Clauses matching a phrase or topic, best first, ranked by the answer's clause scorer; headings never
    count as wording; near-duplicates (same words, other figures) are folded into one entry."""
    phrase = phrase.strip()
    if not phrase:
        return []
    plan = analyze(phrase, retriever.resolver, explicit=filters)
    if not plan.parts:
        plan = replace(plan, parts=((normalize_for_search(phrase),),))
    plan = replace(plan, intent=Intent.WORDING)
    scorer = scorer or ClauseScorer(retriever)
    floor = scorer.model.threshold("wording") if minimum is None else minimum
    scored = scorer.score(plan, retriever.chunk_scores(search_query(plan), plan.filters))
    units = retriever.units
    out: list[WordingHit] = []
    keys: list[tuple[str, set[str]]] = []
    for unit, probability in zip(scored.ids, scored.support, strict=True):
        if len(out) >= limit:
            break
        if probability < floor:
            continue
        if units.heading[unit]:
            continue
        source = units.sources[units.source_id[unit]]
        start, end = int(units.start[unit]), int(units.end[unit])
        report = retriever.report(source)
        if report is None:
            continue
        text = report.text[start:end]
        key = _NOISE.sub("", units.texts[unit])
        grams = {key[i:i + 2] for i in range(len(key) - 1)}
        twin = next((i for i, (k, b) in enumerate(keys) if k == key or _jaccard(b, grams) >= 0.85), None)
        if twin is not None:
            out[twin].variants.append((source, text))
            continue
        keys.append((key, grams))
        meta = report.meta
        hit = retriever.hit_at(source, start)
        section = hit.chunk.section_path if hit else ""
        out.append(WordingHit(text, source, meta.region, meta.year, meta.title, section, start, end,
                              round(float(probability), 3)))
    return out


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
