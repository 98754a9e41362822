"""Value types of the ingestion layer: reports, their sections and chunks."""

from __future__ import annotations

from dataclasses import dataclass, field

from corpus.kinds import SectionKind

SECTION_KINDS = tuple(kind.value for kind in SectionKind)
PATH_SEPARATOR = " › "


@dataclass(frozen=True, slots=True)
class ReportMeta:
    """What a report is: who issued it, for which place and which year."""

    title: str
    issuing_body: str | None
    region: str | None
    province: str | None
    prefecture: str | None
    year: int | None
    publish_date: str | None  # ISO date
    doc_number: str | None
    title_composed: bool = False  # True when the file had no title and one was composed


@dataclass(frozen=True, slots=True)
class Section:
    """One node of a report's heading tree; spans are offsets into the canonical text."""

    section_id: int
    parent_id: int | None
    level: int  # 0 root, 1 一、, 2 (一), 3 1., 4 (1), 5 一是
    marker: str
    heading: str
    labels: tuple[str, ...]  # the path from the top, one label per level
    kind: str
    start: int
    end: int

    @property
    def path(self) -> str:
        """Human-readable path such as "一、… › (二)… › 二是…"."""
        return PATH_SEPARATOR.join(self.labels)


@dataclass(frozen=True, slots=True)
class Report:
    """A cleaned report: its canonical text is what citations quote."""

    source: str  # file name; the report's identity in the index
    path: str
    file_format: str
    text: str
    content_hash: str
    meta: ReportMeta
    sections: tuple[Section, ...] = field(default=())
    # Where each page begins in `text` (page n starts at pages[n - 1]); empty for formats without pages.
    pages: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Chunk:
    """A retrievable span of one section; text == report.text[start:end]."""

    chunk_id: str
    source: str
    ordinal: int
    text: str
    start: int
    end: int
    section_id: int
    section_path: str
    section_kind: str
    sentence_spans: tuple[tuple[int, int], ...]  # absolute offsets in the report text
    n_tokens: int  # tiktoken o200k_base count, for LLM context budgets


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file that could not be ingested, and why."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class IngestWarning:
    """A part of a file that could not be read (an OCR page, say); the rest of the file was kept."""

    path: str
    page: int | None  # 1-based
    reason: str


@dataclass(frozen=True, slots=True)
class IngestedReport:
    """A report with its chunks, and what could not be read of its file."""

    report: Report
    chunks: tuple[Chunk, ...]
    warnings: tuple[IngestWarning, ...] = ()


@dataclass(frozen=True, slots=True)
class IngestResult:
    """Everything one ingest run produced, good files and bad."""

    reports: tuple[IngestedReport, ...]
    skipped: tuple[SkippedFile, ...]

    @property
    def warnings(self) -> tuple[IngestWarning, ...]:
        """Parts of ingested files that were left out (file, page and reason)."""
        return tuple(warning for item in self.reports for warning in item.warnings)
