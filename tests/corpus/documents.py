"""Crafted report files: report text laid out like an official document, as page images (scans) or a PDF text layer."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from corpus.sections import HEADING_PATTERN

KNOWN_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")  # Debian's fonts-wqy-zenhei
DPI = 150
PAGE = (int(8.27 * DPI), int(11.69 * DPI))  # A4
FONT_PT = 16  # 三号, the body size of official documents
CHARS_PER_LINE = 28


def cjk_font() -> Path:
    """The WenQuanYi Zen Hei font file (`make test` installs fonts-wqy-zenhei)."""
    if KNOWN_FONT.is_file():
        return KNOWN_FONT
    if shutil.which("fc-match"):
        found = subprocess.run(["fc-match", "-f", "%{file}", "WenQuanYi Zen Hei"], capture_output=True, text=True)
        if "wqy" in found.stdout.lower():
            return Path(found.stdout)
    raise RuntimeError("CJK font missing: install Debian's fonts-wqy-zenhei (make test does)")


@dataclass(frozen=True)
class RenderedLine:
    """One printed line: its text and the page it is on (1-based)."""

    text: str
    page: int


def layout_lines(paragraphs: list[str], font: ImageFont.FreeTypeFont) -> list[tuple[str, int]]:
    """Paragraphs wrapped at the text width (28 ideographs): (line, indent in characters); the title centred (-1)."""
    width = CHARS_PER_LINE * font.size
    lines: list[tuple[str, int]] = []
    for number, paragraph in enumerate(paragraphs):
        if number == 0 and not HEADING_PATTERN.match(paragraph) and len(paragraph) <= CHARS_PER_LINE:
            lines.append((paragraph, -1))
            continue
        rest, indent = paragraph, 2
        while rest:
            end = 1
            while end < len(rest) and font.getlength(rest[:end + 1]) + indent * font.size <= width:
                end += 1
            lines.append((rest[:end], indent))
            rest, indent = rest[end:], 0
    return lines


def render_pages(paragraphs: list[str], pages: int | None = None, page_numbers: bool = True
                 ) -> tuple[list[Image.Image], list[RenderedLine]]:
    """Page images of the paragraphs (22 lines a page, or spread evenly over `pages` pages)."""
    font = ImageFont.truetype(str(cjk_font()), round(FONT_PT / 72 * DPI))
    size = font.size
    lines = layout_lines(paragraphs, font)
    per_page = 22 if pages is None else -(-len(lines) // pages)
    left, top, line_height = int(1.1 * DPI), int(1.3 * DPI), int(size * 1.75)
    images: list[Image.Image] = []
    rendered: list[RenderedLine] = []
    for first in range(0, len(lines), per_page):
        image = Image.new("L", PAGE, 255)
        draw = ImageDraw.Draw(image)
        for row, (text, indent) in enumerate(lines[first:first + per_page]):
            x = (PAGE[0] - draw.textlength(text, font=font)) / 2 if indent < 0 else left + indent * size
            draw.text((x, top + row * line_height), text, font=font, fill=0)
            rendered.append(RenderedLine(text, len(images) + 1))
        if page_numbers:
            number = f"— {len(images) + 1} —"
            draw.text(((PAGE[0] - draw.textlength(number, font=font)) / 2, PAGE[1] - int(0.8 * DPI)), number,
                      font=font, fill=0)
        images.append(image)
    return images, rendered


def save_pdf(images: list[Image.Image], path: Path) -> Path:
    """An image-only PDF (no text layer), one image per page, as a scanner makes."""
    images[0].save(path, "PDF", resolution=DPI, save_all=True, append_images=images[1:])
    return path


def text_pdf(blocks: list[str | list[list[str]]], path: Path, font_size: float = 14, ruled: bool = True) -> Path:
    """A PDF with a text layer (fpdf2): paragraphs indented by two ideographic spaces, tables, page numbers."""
    from fpdf import FPDF, FontFace

    class NumberedPages(FPDF):
        def footer(self) -> None:
            self.set_y(-15)
            self.cell(0, 10, f"- {self.page_no()} -", align="C")

    pdf = NumberedPages(format="A4")
    pdf.add_font("zh", fname=str(cjk_font()))
    pdf.set_font("zh", size=font_size)
    pdf.add_page()
    for block in blocks:
        if isinstance(block, str):
            pdf.multi_cell(0, font_size * 0.6, "\u3000\u3000" + block, new_x="LMARGIN", new_y="NEXT")
            continue
        pdf.ln(2)
        with pdf.table(headings_style=FontFace(emphasis=None), line_height=font_size * 0.6,
                       borders_layout="ALL" if ruled else "NONE") as table:
            for cells in block:
                row = table.row()
                for cell in cells:
                    row.cell(cell)
        pdf.ln(2)
    pdf.output(str(path))
    return path


def comparable(text: str) -> str:
    """Text for comparing OCR with its source: no white space, full-width forms folded (NFKC), one kind of quote."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[“”„‟\"'‘’]", '"', text)
    return re.sub(r"\s+", "", text)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, one row at a time with NumPy (the running minimum of a row is a cumulative min)."""
    if not a or not b:
        return len(a) + len(b)
    codes_b = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    positions = np.arange(len(b) + 1)
    previous = positions.copy()
    for i, ch in enumerate(a, start=1):
        cost = (codes_b != ord(ch)).astype(np.int64)
        candidate = np.empty(len(b) + 1, dtype=np.int64)
        candidate[0] = i
        candidate[1:] = np.minimum(previous[:-1] + cost, previous[1:] + 1)
        previous = np.minimum.accumulate(candidate - positions) + positions
    return int(previous[-1])


def character_error_rate(ocr: str, source: str) -> float:
    """Edit distance over the source's length, white space removed from both."""
    a, b = comparable(ocr), comparable(source)
    return edit_distance(a, b) / max(len(b), 1)
