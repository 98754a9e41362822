"""Reading report files of every supported format into plain text (the I/O edge of ingestion)."""

from __future__ import annotations

import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from corpus.types import IngestWarning

if TYPE_CHECKING:
    from corpus.layout import PagedLines, PageProgress

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}  # read by OCR
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | IMAGE_SUFFIXES | {".docx", ".pdf"}
SIDECAR_SUFFIXES = (".meta.json", ".meta.yaml", ".meta.yml", ".yaml", ".yml")

DEFAULT_MAX_FILE_MB = 20.0
# A .docx is a zip; refuse archives that would inflate far beyond the file limit (zip bombs).
DOCX_MAX_INFLATION = 10


class IngestError(Exception):
    """A file that cannot be ingested; the message names the file and the reason."""

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RawDocument:
    """Text as read from a file, before cleaning."""

    path: str
    file_format: str
    text: str
    html_title: str | None = None
    page_starts: tuple[int, ...] = ()  # offsets into `text`, for formats with pages
    warnings: tuple[IngestWarning, ...] = ()  # pages that could not be read


def is_sidecar(path: Path) -> bool:
    """Whether a file is metadata for a report rather than a report."""
    name = path.name.lower()
    return name.endswith(SIDECAR_SUFFIXES)


def read_document(path: Path, max_file_mb: float = DEFAULT_MAX_FILE_MB,
                  on_page: PageProgress | None = None) -> RawDocument:
    """Read one report file; raises IngestError with a clear reason. `on_page` hears of each page read."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(path, f"unsupported file type '{suffix or '(none)'}'; "
                                f"supported: {', '.join(sorted(SUPPORTED_SUFFIXES))}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IngestError(path, f"cannot read file ({exc.strerror or exc})") from exc
    if size == 0:
        raise IngestError(path, "empty file")
    if size > max_file_mb * 1024 * 1024:
        raise IngestError(path, f"file is {size / 1024 / 1024:.1f} MB, over the limit of "
                                f"{max_file_mb:g} MB (setting max_file_mb)")
    if suffix == ".docx":
        return RawDocument(str(path), "docx", _read_docx(path, max_file_mb))
    if suffix == ".pdf":
        from corpus.pdf import read_pdf

        return _paged_document(path, "pdf", read_pdf(path, on_page))
    if suffix in IMAGE_SUFFIXES:
        from corpus.ocr import read_image

        return _paged_document(path, "image", read_image(path, on_page))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(path, f"cannot read file ({exc.strerror or exc})") from exc
    text = decode_text(data, path)
    if suffix in HTML_SUFFIXES:
        from corpus.html import html_to_text

        body, title = html_to_text(text)
        return RawDocument(str(path), "html", body, title)
    return RawDocument(str(path), "text", text)


def decode_text(data: bytes, path: str | Path = "<bytes>") -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM or GB18030/GBK, detected from the bytes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    elif b"\x00" in data[:8192]:
        raise IngestError(path, "binary file (contains NUL bytes), not text")
    else:
        candidates = ["utf-8-sig", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        text = str(best)
        if _looks_like_text(text):
            return text
    raise IngestError(path, "binary or undecodable file: not UTF-8, GB18030/GBK or another known text encoding")


def _looks_like_text(text: str) -> bool:
    """Reject decodings of binary: control or private-use characters, or mostly exotic scripts."""
    if not text.strip():
        return True  # emptiness is reported later, with its own message
    sample = text[:20000]
    bad = sum(1 for ch in sample if _is_garbage(ch))
    usual = sum(1 for ch in sample if _is_usual(ch))
    return bad / len(sample) < 0.002 and usual / len(sample) > 0.6


def _is_usual(ch: str) -> bool:
    """Characters of a Chinese (or English) report: ASCII, CJK ideographs and punctuation, full-width forms."""
    code = ord(ch)
    return (code < 0x80 or 0x4E00 <= code <= 0x9FFF or 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF
            or 0x2000 <= code <= 0x206F or 0x3400 <= code <= 0x4DBF or 0x00A0 <= code <= 0x00FF)


def _is_garbage(ch: str) -> bool:
    if ch in "\n\r\t\f\v":
        return False
    category = unicodedata.category(ch)
    return category in ("Cc", "Co", "Cn", "Cs") or ch == "\ufffd"


def _read_docx(path: Path, max_file_mb: float) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise IngestError(path, f"corrupt .docx (not a readable zip archive: {exc})") from exc
    if inflated > max_file_mb * 1024 * 1024 * DOCX_MAX_INFLATION:
        raise IngestError(path, f"corrupt or hostile .docx: inflates to {inflated / 1024 / 1024:.0f} MB")
    try:
        import docx
        from docx.table import Table

        from corpus.tables import table_lines

        document = docx.Document(str(path))
        lines: list[str] = []
        for block in document.element.body.iterchildren():
            tag = block.tag.rsplit("}", 1)[-1]
            if tag == "p":
                lines.append("".join(node.text or "" for node in block.iter() if node.tag.endswith("}t")))
            elif tag == "tbl":
                # python-docx repeats a merged cell in every grid column and row it covers.
                rows = [[cell.text for cell in row.cells] for row in Table(block, document).rows]
                lines += table_lines(rows)
    except Exception as exc:  # python-docx raises many kinds on a broken package
        raise IngestError(path, f"corrupt .docx ({type(exc).__name__}: {exc})") from exc
    return "\n".join(lines)


def _paged_document(path: Path, file_format: str, paged: PagedLines) -> RawDocument:
    from corpus.layout import page_paragraphs
    from corpus.pages import join_pages

    text, starts = join_pages(page_paragraphs(paged.pages))
    if not text.strip():
        pages = len(paged.pages)
        where = "the image" if file_format == "image" and pages == 1 else f"its {pages} page(s)"
        no_layer = "the PDF has no text layer and " if file_format == "pdf" else ""
        raise IngestError(path, f"no text: {no_layer}OCR found none on {where}")
    return RawDocument(str(path), file_format, text, page_starts=starts, warnings=paged.warnings)
