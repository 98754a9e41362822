"""The scoring rules of shared/eval/README.md, applied to answers in the JSON contract of `reportqa ask`."""

from __future__ import annotations

import json
import statistics
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

ReportText = Callable[[str], str | None]  # report file name -> its text, or None if unknown


class Evidence(BaseModel):
    """A passage a correct answer rests on."""

    model_config = ConfigDict(extra="ignore")
    region: str = ""
    text: str
    source: str


class GoldQuestion(BaseModel):
    """One line of a gold file."""

    model_config = ConfigDict(extra="ignore")
    id: str
    question: str
    type: str = "factoid"
    history: list[dict[str, Any]] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    answer_must_contain: list[str] = Field(default_factory=list)
    answer_must_not_contain: list[str] = Field(default_factory=list)
    answerable: bool = True
    note: str = ""


def normalize(text: str) -> str:
    """NFKC with all white space removed: how the README compares text."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def load_gold(path: Path, report_text: ReportText | None = None) -> list[GoldQuestion]:
    """Read and validate a gold file: bad lines and evidence absent from its report are errors."""
    questions: list[GoldQuestion] = []
    problems: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            question = GoldQuestion.model_validate(json.loads(line))
        except (ValueError, ValidationError) as exc:
            problems.append(f"{path}:{number}: {str(exc).splitlines()[0]}")
            continue
        if report_text is not None:
            for evidence in question.evidence:
                text = report_text(evidence.source)
                if text is None:
                    problems.append(f"{path}:{number}: {question.id}: unknown report {evidence.source}")
                elif normalize(evidence.text) not in normalize(text):
                    problems.append(f"{path}:{number}: {question.id}: evidence not in {evidence.source}: "
                                    f"{evidence.text[:30]}")
        questions.append(question)
    if problems:
        raise ValueError("invalid gold file:\n" + "\n".join(problems))
    return questions


@dataclass(frozen=True, slots=True)
class QuestionScore:
    """Every check for one question."""

    id: str
    type: str
    answerable: bool
    evidence_recall: float | None
    reciprocal_rank: float | None
    fact_ok: bool | None
    missing_facts: tuple[str, ...]
    citations: int
    valid_citations: int
    evidence_total: int
    evidence_cited: int
    wrong_source: int
    abstention_ok: bool
    latency_ms: float

    @property
    def passed(self) -> bool:
        """All checks that apply to this question pass."""
        return (self.abstention_ok and self.fact_ok is not False and self.valid_citations == self.citations
                and self.wrong_source == 0 and (self.evidence_total == 0 or self.evidence_cited == self.evidence_total))


@dataclass(frozen=True, slots=True)
class Metrics:
    """Aggregates over a set of question scores."""

    questions: int
    evidence_recall_at_k: float | None
    mrr: float | None
    fact_accuracy: float | None
    citation_validity: float | None
    citation_recall: float | None
    wrong_source_citations: int
    abstention_accuracy: float
    latency_p50_ms: float
    latency_p95_ms: float
    k: int = 5
    by_type: dict[str, Metrics] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON, per-type breakdown included."""
        data = {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "by_type"}
        data["by_type"] = {kind: metrics.to_json() for kind, metrics in self.by_type.items()}
        return data


def score_question(gold: GoldQuestion, answer: Mapping[str, Any], report_text: ReportText, k: int = 5) -> QuestionScore:
    """Apply every rule of the README to one answer."""
    passages = [normalize(p.get("text", "")) for p in answer.get("passages", [])]
    citations = answer.get("citations", [])
    quotes = [normalize(c.get("quote", "")) for c in citations]
    evidence = [normalize(e.text) for e in gold.evidence]

    recall = rr = None
    if gold.answerable and evidence:
        recall = sum(any(e in p for p in passages[:k]) for e in evidence) / len(evidence)
        first = next((rank for rank, p in enumerate(passages, start=1) if any(e in p for e in evidence)), None)
        rr = 1.0 / first if first else 0.0
    answer_text = normalize(answer.get("answer", ""))
    missing = tuple(s for s in gold.answer_must_contain if normalize(s) not in answer_text)
    fact_ok = (not missing) if gold.answerable else None

    valid = 0
    for citation, quote in zip(citations, quotes, strict=True):
        text = report_text(str(citation.get("source", "")))
        valid += bool(quote) and text is not None and quote in normalize(text)
    cited = sum(any(e in q or (len(q) >= 8 and q in e) for q in quotes) for e in evidence) if gold.answerable else 0
    wrong = sum(any(region and region in str(c.get("region") or "") for region in gold.answer_must_not_contain)
                for c in citations)
    says_answerable = bool(answer.get("answerable"))
    abstention_ok = says_answerable if gold.answerable else (not says_answerable and not citations)
    latency = float(answer.get("timings_ms", {}).get("total", 0.0))
    return QuestionScore(gold.id, gold.type, gold.answerable, recall, rr, fact_ok, missing, len(citations), valid,
                         len(evidence) if gold.answerable else 0, cited, wrong, abstention_ok, latency)


def aggregate(scores: Sequence[QuestionScore], k: int = 5, by_type: bool = True) -> Metrics:
    """Metrics over question scores, overall and per question type."""
    def mean(values: list[float]) -> float | None:
        return round(statistics.fmean(values), 4) if values else None

    recalls = [s.evidence_recall for s in scores if s.evidence_recall is not None]
    rrs = [s.reciprocal_rank for s in scores if s.reciprocal_rank is not None]
    facts = [float(s.fact_ok) for s in scores if s.fact_ok is not None]
    citations = sum(s.citations for s in scores)
    evidence_total = sum(s.evidence_total for s in scores)
    latencies = sorted(s.latency_ms for s in scores) or [0.0]
    types = sorted({s.type for s in scores}) if by_type else []
    return Metrics(
        questions=len(scores), evidence_recall_at_k=mean(recalls), mrr=mean(rrs), fact_accuracy=mean(facts),
        citation_validity=round(sum(s.valid_citations for s in scores) / citations, 4) if citations else None,
        citation_recall=round(sum(s.evidence_cited for s in scores) / evidence_total, 4) if evidence_total else None,
        wrong_source_citations=sum(s.wrong_source for s in scores),
        abstention_accuracy=round(sum(s.abstention_ok for s in scores) / max(1, len(scores)), 4),
        latency_p50_ms=round(_percentile(latencies, 50), 1), latency_p95_ms=round(_percentile(latencies, 95), 1),
        k=k, by_type={t: aggregate([s for s in scores if s.type == t], k, by_type=False) for t in types},
    )


def _percentile(sorted_values: list[float], percentile: float) -> float:
    """Linear interpolation between closest ranks."""
    if len(sorted_values) == 1:
        return sorted_values[0]
    position = (len(sorted_values) - 1) * percentile / 100
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)
