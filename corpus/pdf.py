"""PDF pages as positioned lines: the text layer (tables as rows) where a page has one, OCR where it has none.

pdfplumber reads the text layer and finds ruled tables; pypdfium2 renders a page without text for
OCR (both from PyPI, no system binary).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from corpus.layout import PagedLines, PageProgress, TextLine, has_column_gap
from corpus.load import IngestError
from corpus.tables import fill_merged, table_lines
from corpus.types import IngestWarning

RENDER_MAX_SIDE = 2000  # pixels: PP-OCR shrinks larger images to this anyway
_MAX_RENDER_SCALE = 4.0
_MIN_TEXT_CHARS = 10  # fewer readable characters than this: a scanned page (perhaps with a stamped number)


def read_pdf(path: Path, on_page: PageProgress | None = None) -> PagedLines:
    """Every page's lines in reading order; a page that cannot be read is named in the warnings."""
    try:
        import pdfplumber

        pdf = pdfplumber.open(path)
    except Exception as exc:  # pdfminer raises many kinds on a broken file
        raise IngestError(path, f"corrupt PDF ({type(exc).__name__}: {exc})") from exc
    renderer = _Renderer(path)
    with pdf:
        try:
            plumber_pages = pdf.pages
        except Exception as exc:
            raise IngestError(path, f"corrupt PDF ({type(exc).__name__}: {exc})") from exc
        pages: list[tuple[TextLine, ...]] = []
        warnings: list[IngestWarning] = []
        for number, page in enumerate(plumber_pages, start=1):
            lines, warning = _page_lines(page, number, renderer)
            if warning:
                warnings.append(IngestWarning(str(path), number, warning))
            pages.append(tuple(lines))
            page.close()
            if on_page:
                on_page(number, len(plumber_pages))
    renderer.close()
    return PagedLines(tuple(pages), tuple(warnings))


def _page_lines(page: Any, number: int, renderer: _Renderer) -> tuple[list[TextLine], str | None]:
    """One page's lines, and why it could not be read, if it could not."""
    from corpus.ocr import NO_TEXT

    text_lines: list[TextLine] = []
    try:
        text_lines = _text_layer(page)
        if sum(len(line.text.replace(" ", "")) for line in text_lines if not line.fixed) >= _MIN_TEXT_CHARS:
            return text_lines, None
    except Exception as exc:  # a broken content stream: OCR may still read what the page shows
        problem = f"text layer unreadable ({type(exc).__name__}: {exc})"
    else:
        problem = NO_TEXT
    try:
        scanned = renderer.ocr(number - 1)
    except Exception as exc:  # the page is named in the run's warnings; the other pages are kept
        return text_lines, f"OCR failed ({type(exc).__name__}: {exc})"
    if scanned:
        return scanned, None
    return text_lines, None if text_lines else problem


def _text_layer(page: Any) -> list[TextLine]:
    """The page's text lines and table rows; glyphs without a Unicode mapping count as no text."""
    tables = page.find_tables()
    boxes = [table.bbox for table in tables]

    def outside_tables(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    body = page.filter(outside_tables) if boxes else page
    lines = []
    for line in body.extract_text_lines(return_chars=True):
        if line["text"].strip() and "(cid:" not in line["text"]:
            # An indent typed as ideographic spaces counts where the first visible character stands.
            visible = [char for char in line["chars"] if char["text"].strip()]
            x0 = visible[0]["x0"] if visible else line["x0"]
            columns = has_column_gap([(char["x0"], char["x1"]) for char in visible], line["bottom"] - line["top"])
            lines.append(TextLine(line["text"].strip(), x0, line["x1"], line["top"], line["bottom"], columns))
    for table in tables:
        x0, top, x1, bottom = table.bbox
        rows = table_lines(fill_merged(table.extract()))
        lines += [TextLine(row, x0, x1, top + index * 1e-3, bottom, fixed=True) for index, row in enumerate(rows)]
    return sorted(lines, key=lambda line: (line.top, line.x0))


class _Renderer:
    """Pages rendered with pypdfium2 for OCR; the document is opened on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._document: Any = None

    def ocr(self, index: int) -> list[TextLine]:
        """OCR one page; boxes come back in PDF points from the top left, like the text layer's."""
        import pypdfium2

        from corpus.ocr import ocr_lines

        if self._document is None:
            self._document = pypdfium2.PdfDocument(str(self.path))
        page = self._document[index]
        try:
            width, height = page.get_size()
            scale = min(RENDER_MAX_SIDE / max(width, height, 1.0), _MAX_RENDER_SCALE)
            image = page.render(scale=scale, grayscale=True).to_pil()
        finally:
            page.close()
        return [TextLine(line.text, line.x0 / scale, line.x1 / scale, line.top / scale, line.bottom / scale)
                for line in ocr_lines(image)]

    def close(self) -> None:
        """Release the document."""
        if self._document is not None:
            self._document.close()
