"""Value types of the answering layer and their JSON form (the documented contract)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Citation:
    """A verbatim quote of a report's canonical text backing one statement."""

    n: int
    source: str
    title: str
    region: str | None
    year: int | None
    section: str
    quote: str
    start: int
    end: int
    page: int | None = None  # 1-based page where the quote starts, for files with pages (PDF, scans)


@dataclass(frozen=True, slots=True)
class Passage:
    """A retrieved passage, in rank order."""

    source: str
    section: str
    text: str
    score: float
    region: str | None = None
    year: int | None = None
    start: int = 0
    end: int = 0


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer: markdown with [n] markers, its citations and the passages it drew on."""

    question: str
    answer: str
    answerable: bool
    citations: tuple[Citation, ...] = ()
    passages: tuple[Passage, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)
    id: str | None = None
    intent: str = ""
    resolved_question: str = ""
    mode: str = "extractive"
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The JSON contract of `reportqa ask --json` (see README)."""
        return {
            "id": self.id, "question": self.question, "answer": self.answer, "answerable": self.answerable,
            "citations": [asdict(c) for c in self.citations],
            "passages": [asdict(p) for p in self.passages],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "intent": self.intent, "resolved_question": self.resolved_question, "mode": self.mode,
            "warnings": list(self.warnings),
        }
