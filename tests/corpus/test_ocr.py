"""Scanned reports: image-only PDFs and image files read by OCR keep their text, section tree and page numbers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from corpus.ingest import ingest, samples_dir
from corpus.pages import page_at
from corpus.types import IngestedReport, IngestResult, Report
from tests.corpus.documents import (
    DPI,
    PAGE,
    RenderedLine,
    character_error_rate,
    comparable,
    edit_distance,
    render_pages,
    save_pdf,
)

pytestmark = pytest.mark.slow  # OCR takes a few seconds a page on two cores

CER_TARGET = 0.02


@dataclass(frozen=True)
class Scan:
    """A sample report, the scan made of it and what ingesting the scan gave."""

    text_version: Report
    printed: list[RenderedLine]
    pages: int
    ingested: IngestedReport
    result: IngestResult


def _text_version(name: str) -> Report:
    return ingest([samples_dir() / name]).reports[0].report


@pytest.fixture(scope="module", params=[("000_c72485a41b80a0ad.txt", 10), ("002_5b8302c1fcb28e66.txt", None)],
                ids=["zhuji-10-pages", "yichun-22-lines-a-page"])
def scan(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Scan:
    name, pages = request.param
    text_version = _text_version(name)
    images, printed = render_pages(text_version.text.split("\n"), pages=pages)
    folder = tmp_path_factory.mktemp("scan")
    save_pdf(images, folder / name.replace(".txt", ".pdf"))
    result = ingest([folder])
    assert result.skipped == () and len(result.reports) == 1
    return Scan(text_version, printed, len(images), result.reports[0], result)


def test_scan_keeps_the_section_tree_and_metadata(scan: Scan) -> None:
    report, original = scan.ingested.report, scan.text_version
    assert report.file_format == "pdf" and scan.result.warnings == ()
    top = [comparable(s.labels[-1]) for s in report.sections if s.level == 1]
    assert top == [comparable(s.labels[-1]) for s in original.sections if s.level == 1]
    for level in (2, 3, 5):
        assert sum(s.level == level for s in report.sections) == sum(s.level == level for s in original.sections)
    assert (report.meta.title, report.meta.region, report.meta.year) == (
        original.meta.title, original.meta.region, original.meta.year)


def test_scan_character_error_rate(scan: Scan) -> None:
    report, original = scan.ingested.report, scan.text_version
    cer = character_error_rate(report.text, original.text)
    print(f"\nOCR character error rate, {original.source} as {scan.pages} scanned pages: {cer:.2%}")
    assert cer <= CER_TARGET
    # Wrapped lines are rejoined and paragraphs kept: one line per paragraph, as in the text version.
    assert len(report.text.split("\n")) == len(original.text.split("\n"))


def test_scan_pages_and_chunk_page_numbers(scan: Scan) -> None:
    report = scan.ingested.report
    assert len(report.pages) == scan.pages and report.pages[0] == 0
    assert list(report.pages) == sorted(set(report.pages))
    for number in range(1, scan.pages + 1):
        # Each page starts where its first printed line does: no shift aligns the two better (OCR errors aside).
        first_printed = comparable(next(line.text for line in scan.printed if line.page == number))[:10]
        start = report.pages[number - 1]
        # As many characters as the first line has (a page may open with a short heading such as 二、存在问题).
        distances = {shift: edit_distance(
            comparable(report.text[max(start + shift, 0):start + shift + 14])[:len(first_printed)], first_printed)
            for shift in range(-3, 4)}
        assert distances[0] == min(distances.values()) and distances[0] <= 3, (number, distances)
    printed_pages = {number: comparable("".join(line.text for line in scan.printed if line.page == number))
                     for number in range(1, scan.pages + 1)}
    verified = 0
    for chunk in scan.ingested.chunks:
        page = page_at(report, chunk.start)
        assert page is not None
        page_end = report.pages[page] if page < len(report.pages) else len(report.text)
        window = comparable(report.text[chunk.start:min(chunk.start + 8, page_end)])
        verified += window in printed_pages[page]
    assert verified >= 0.9 * len(scan.ingested.chunks)  # the rest hold an OCR error in their first characters
    assert {page_at(report, c.start) for c in scan.ingested.chunks} == set(range(1, scan.pages + 1))


def test_image_file_is_read_by_ocr(tmp_path: Path) -> None:
    original = _text_version("004_e5f05fa6786c6ba1.txt")
    images, printed = render_pages(original.text.split("\n")[:6], page_numbers=False)
    images[0].save(tmp_path / "西湖区报告.png")
    result = ingest([tmp_path])
    assert result.skipped == () and result.warnings == ()
    report = result.reports[0].report
    assert report.file_format == "image" and report.pages == (0,)
    on_the_page = [line.text for line in printed if line.page == 1]
    cer = character_error_rate(report.text, "".join(on_the_page))
    print(f"\nOCR character error rate, one page as a PNG: {cer:.2%}")
    assert cer <= CER_TARGET
    assert [s.labels[-1] for s in report.sections if s.level == 1] == ["一、2024年推进法治政府建设的主要举措和突出成效"]


def test_pdf_with_text_scanned_and_blank_pages(tmp_path: Path) -> None:
    """A text page, a scanned page and a blank page: the blank one is named, the others kept, pages reported."""
    from fpdf import FPDF

    from tests.corpus.documents import cjk_font

    scanned_text = ["二、存在问题", "基层法治力量仍较薄弱，行政执法人员专业素质有待提高。"]
    images, _ = render_pages(scanned_text, page_numbers=False)
    pdf = FPDF(format="A4")
    pdf.add_font("zh", fname=str(cjk_font()))
    pdf.set_font("zh", size=14)
    pdf.add_page()
    pdf.multi_cell(0, 9, "南安市司法局2023年法治政府建设情况\n一、主要举措和成效\n全年办理行政复议案件312件。")
    pdf.add_page()
    pdf.image(images[0], x=0, y=0, w=210, h=210 * PAGE[1] / PAGE[0])
    pdf.add_page()  # blank
    pdf.output(str(tmp_path / "mixed.pdf"))
    events: list[tuple[str, int, int]] = []
    result = ingest([tmp_path], progress=lambda stage, done, total: events.append((stage, done, total)))
    assert result.skipped == ()
    report = result.reports[0].report
    assert "全年办理行政复议案件312件。" in report.text
    assert "基层法治力量仍较薄弱" in report.text
    assert [s.labels[-1] for s in report.sections if s.level == 1] == ["一、主要举措和成效", "二、存在问题"]
    assert len(report.pages) == 3 and report.pages[2] == len(report.text)  # the blank page holds nothing
    assert page_at(report, report.text.index("312件")) == 1
    assert page_at(report, report.text.index("基层法治力量")) == 2
    [warning] = result.warnings
    assert warning.path.endswith("mixed.pdf") and warning.page == 3 and "no text found" in warning.reason
    assert [e for e in events if e[0] == "pages"] == [("pages", 1, 3), ("pages", 2, 3), ("pages", 3, 3)]
    assert ("reports", 1, 1) in events


def test_unreadable_image_is_skipped_and_a_blank_tiff_frame_named(tmp_path: Path) -> None:
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really a picture")
    Image.new("L", (DPI * 4, DPI * 2), 255).save(tmp_path / "blank.jpg")
    images, _ = render_pages(["南安市司法局2023年法治政府建设情况", "全年办理行政复议案件312件。"], page_numbers=False)
    text_frame = images[0].crop((0, 0, PAGE[0], PAGE[1] // 3))
    text_frame.save(tmp_path / "scan.tif", save_all=True, append_images=[Image.new("L", text_frame.size, 255)])
    result = ingest([tmp_path])
    skipped = {Path(s.path).name: s.reason for s in result.skipped}
    assert "corrupt or unreadable image" in skipped["broken.png"]
    assert skipped["blank.jpg"] == "no text: OCR found none on the image"
    [item] = result.reports
    assert item.report.text == "南安市司法局2023年法治政府建设情况\n全年办理行政复议案件312件。"
    assert item.report.pages == (0, len(item.report.text))
    assert [(Path(w.path).name, w.page) for w in item.warnings] == [("scan.tif", 2)]


def test_a_scanned_report_answers_with_page_cited_quotes(scan: Scan, tmp_path: Path) -> None:
    """The card's question over a corpus holding the scan: its citation quotes the OCR text and names the page."""
    if scan.text_version.source != "000_c72485a41b80a0ad.txt":
        pytest.skip("the card's question is about 诸暨's scan")
    from answer.pipeline import AnswerPipeline
    from index.build import update_index
    from index.search import SearchIndex
    from tests.fakes import SAMPLES, HashEmbedder, sample_corpus

    corpus = sample_corpus(tmp_path / "corpus", [s for s in SAMPLES if s.name != scan.text_version.source])
    scan_pdf = next(Path(scan.ingested.report.path).parent.glob("*.pdf"))
    (corpus / scan_pdf.name).write_bytes(scan_pdf.read_bytes())
    embedder = HashEmbedder()
    update_index(tmp_path / "index", [corpus], embedder)
    pipeline = AnswerPipeline(SearchIndex.open(tmp_path / "index", embedder))
    answer = pipeline.ask("哪些县设立了行政争议调解中心？")
    scanned = [c for c in answer.citations if c.source == scan_pdf.name]
    assert scanned, answer.answer
    report = pipeline.retriever.report(scan_pdf.name)
    assert report is not None
    for citation in scanned:
        assert report.text[citation.start:citation.end] == citation.quote
        assert citation.page == page_at(report, citation.start) and 1 <= citation.page <= scan.pages
        printed_on = {line.page for line in scan.printed if comparable(citation.quote[:8]) in comparable(line.text)}
        assert not printed_on or citation.page in printed_on  # the page the quote was printed on
    assert all(c.page is None for c in answer.citations if c.source != scan_pdf.name)  # text files have no pages
