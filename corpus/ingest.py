"""Ingestion pipeline: files -> reports (clean text, metadata, sections) -> chunks."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from corpus.chunk import DEFAULT_CHUNK_TOKENS, TokenCounter, chunk_report
from corpus.clean import clean_text
from corpus.layout import PageProgress
from corpus.load import DEFAULT_MAX_FILE_MB, SUPPORTED_SUFFIXES, IngestError, RawDocument, is_sidecar, read_document
from corpus.metadata import apply_sidecar, find_sidecar, infer_metadata
from corpus.sections import split_sections
from corpus.tokens import count_tokens
from corpus.types import IngestedReport, IngestResult, Report, SkippedFile

Progress = Callable[[str, int, int], None]  # (stage, done, total): "pages" and "reports" here, "chunks" when indexing


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """How files are read and chunked."""

    max_file_mb: float = DEFAULT_MAX_FILE_MB
    chunk_tokens: int = DEFAULT_CHUNK_TOKENS


@dataclass(frozen=True, slots=True)
class ReportFile:
    """A candidate report file found under the given paths, with its fingerprint."""

    path: Path
    source: str
    fingerprint: str


def discover(paths: Iterable[str | Path]) -> tuple[list[ReportFile], list[SkippedFile]]:
    """Report files under the given files and folders; unusable ones come back as skipped."""
    found: list[ReportFile] = []
    skipped: list[SkippedFile] = []
    seen: dict[str, Path] = {}
    for given in map(Path, paths):
        if not given.exists():
            skipped.append(SkippedFile(str(given), "no such file or folder"))
            continue
        root = given.resolve() if given.is_dir() else given.resolve().parent
        candidates = sorted(_walk(given)) if given.is_dir() else [given]
        for path in candidates:
            if is_sidecar(path) and given.is_dir():
                continue
            reason = _unusable(path, root)
            if reason is None and path.name in seen and seen[path.name] != path.resolve():
                reason = f"another report has the same file name ({seen[path.name]})"
            if reason:
                skipped.append(SkippedFile(str(path), reason))
                continue
            try:
                fingerprint = file_fingerprint(path)
            except OSError as exc:
                skipped.append(SkippedFile(str(path), f"cannot read file ({exc.strerror or exc})"))
                continue
            seen[path.name] = path.resolve()
            found.append(ReportFile(path, path.name, fingerprint))
    return found, skipped


def _walk(folder: Path) -> Iterable[Path]:
    for directory, subdirs, files in os.walk(folder, followlinks=False):
        subdirs[:] = [d for d in subdirs if not d.startswith(".")]
        for name in files:
            yield Path(directory) / name


def _unusable(path: Path, root: Path) -> str | None:
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):  # dangling, or a loop of links
            return "not a regular file (broken or looping symbolic link)"
        if not target.is_relative_to(root):
            return "symbolic link to a file outside the corpus folder"
    if path.name.startswith("."):
        return "hidden file (the name starts with a dot)"
    if not path.is_file():
        return "not a regular file"
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return (f"unsupported file type '{path.suffix or '(none)'}'; "
                f"supported: {', '.join(sorted(SUPPORTED_SUFFIXES))}")
    if any(ord(ch) < 32 for ch in path.name):
        return "file name contains control characters"
    return None


def file_fingerprint(path: Path) -> str:
    """Hash of a report file and its sidecar: what decides whether it must be re-ingested."""
    digest = hashlib.sha256(path.read_bytes())
    sidecar = find_sidecar(path)
    if sidecar is not None:
        digest.update(b"\0sidecar\0" + sidecar.read_bytes())
    return digest.hexdigest()


def parse_report(raw: RawDocument, file: ReportFile) -> Report:
    """Clean a file's text and parse its metadata and sections; raises IngestError."""
    cleaned = clean_text(raw.text, raw.page_starts)
    if not cleaned.text.strip():
        raise IngestError(file.path, "no report text after cleaning (the file holds only page furniture)")
    meta = infer_metadata(cleaned, raw.html_title)
    sidecar = find_sidecar(file.path)
    if sidecar is not None:
        meta = apply_sidecar(meta, sidecar)
    return Report(source=file.source, path=str(file.path), file_format=raw.file_format, text=cleaned.text,
                  content_hash=file.fingerprint, meta=meta, sections=split_sections(cleaned.text),
                  pages=cleaned.page_starts)


def ingest_file(file: ReportFile, options: IngestOptions, guards: Sequence[tuple[TokenCounter, int]] = (),
                on_page: PageProgress | None = None) -> IngestedReport:
    """One report with its chunks and the pages of its file that could not be read; raises IngestError."""
    raw = read_document(file.path, options.max_file_mb, on_page)
    report = parse_report(raw, file)
    chunks = chunk_report(report, count_tokens, options.chunk_tokens, guards)
    return IngestedReport(report, chunks, raw.warnings)


def ingest(paths: Iterable[str | Path], options: IngestOptions | None = None,
           guards: Sequence[tuple[TokenCounter, int]] = (), progress: Progress | None = None) -> IngestResult:
    """Ingest every report under paths; a bad file is skipped with its reason, the rest kept."""
    options = options or IngestOptions()
    files, skipped = discover(paths)
    reports: list[IngestedReport] = []
    on_page = page_progress(progress)
    for done, file in enumerate(files, start=1):
        try:
            reports.append(ingest_file(file, options, guards, on_page))
        except IngestError as exc:
            skipped.append(SkippedFile(exc.path, exc.reason))
        if progress:
            progress("reports", done, len(files))
    return IngestResult(tuple(reports), tuple(skipped))


def page_progress(progress: Progress | None) -> PageProgress | None:
    """A file's page counts reported as the "pages" stage (OCR makes a scanned file slow page by page)."""
    if progress is None:
        return None
    return lambda done, total: progress("pages", done, total)


def samples_dir() -> Path:
    """The bundled sample corpus (five real reports)."""
    return Path(__file__).resolve().parent / "samples"
