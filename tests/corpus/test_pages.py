"""Page numbers: pages joined with their starts, starts kept through cleaning, page_at, and text-layer PDFs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from corpus.clean import clean_text
from corpus.ingest import ingest, samples_dir
from corpus.layout import PageText, TextLine, page_paragraphs
from corpus.pages import join_pages, page_at
from corpus.types import Report
from tests.corpus.documents import comparable, text_pdf


def _line(text: str, x0: float, x1: float, row: int, fixed: bool = False) -> TextLine:
    return TextLine(text, x0, x1, row * 20.0, row * 20.0 + 10.0, fixed)


def test_lines_become_paragraphs_by_indent_margin_and_heading() -> None:
    # Body from x=0 to 100, characters 10 wide; the first line of a paragraph is indented by two.
    page = [
        _line("— 3 —", 40, 60, 0),
        _line("一、主要举措", 20, 80, 1),
        _line("全年办理行政复议案件", 20, 100, 2),
        _line("312件，同比增长12%。", 0, 60, 3),
        _line("二是做强执法监督，开展", 20, 100, 4),
        _line("专项监督5次。", 0, 50, 5),
        _line("指标：败诉率；2023年：2.21%", 0, 100, 6, fixed=True),
        _line("三、存在问题", 0, 60, 7),
        _line("基层力量薄弱，人员配置较为", 0, 100, 8),
        _line("— 4 —", 40, 60, 9),
    ]
    [text] = page_paragraphs([page])
    assert text.paragraphs == (
        "一、主要举措", "全年办理行政复议案件312件，同比增长12%。", "二是做强执法监督，开展专项监督5次。",
        "指标：败诉率；2023年：2.21%", "三、存在问题", "基层力量薄弱，人员配置较为")
    assert text.opens and text.runs_on


def test_pages_join_a_paragraph_cut_by_the_page_break() -> None:
    pages = [PageText(("一、标题", "全年办理行政"), True, True),
             PageText(("复议案件312件。", "下一段。"), False, False),
             PageText((), True, False), PageText(("二、问题",), True, False)]
    text, starts = join_pages(pages)
    assert text == "一、标题\n全年办理行政复议案件312件。\n下一段。\n二、问题"
    assert starts == (0, text.index("复议"), text.index("二、"), text.index("二、"))
    report = Report("r.pdf", "r.pdf", "pdf", text, "", None, pages=starts)  # type: ignore[arg-type]
    assert [page_at(report, text.index(s)) for s in ("一、", "行政", "复议", "下一段", "二、")] == [1, 1, 2, 2, 4]
    assert page_at(report, len(text)) == 4 and page_at(report, -1) is None
    assert page_at(dataclasses.replace(report, pages=()), 0) is None


def test_page_starts_survive_cleaning() -> None:
    raw = ("浏览次数：12 信息来源：市司法局\n\n  一、主要举措\n全年办理行政\u3000复议案件\n"  # page 1
           "扫一扫在手机上查看当前页面\n二、存在问题\n")  # page 2 opens with a furniture line
    page_two = raw.index("扫一扫")
    middle = raw.index("复议")  # a page break inside a line, after collapsed white space
    cleaned = clean_text(raw, [0, middle, page_two, len(raw)])
    # The header row keeps its 信息来源 (who issued it) as a line of its own; the view counter goes.
    assert cleaned.text == "信息来源：市司法局\n一、主要举措\n全年办理行政 复议案件\n二、存在问题"
    assert cleaned.page_starts == (0, cleaned.text.index("复议"), cleaned.text.index("二、"), len(cleaned.text))


def test_text_pdf_reads_like_the_text_version_with_page_numbers(tmp_path: Path) -> None:
    original = ingest([samples_dir() / "002_5b8302c1fcb28e66.txt"]).reports[0].report
    text_pdf(original.text.split("\n"), tmp_path / "yichun.pdf")
    [item] = ingest([tmp_path]).reports
    report = item.report
    assert report.text == original.text  # wrapped lines rejoined, indents start paragraphs, page numbers dropped
    assert [s.path for s in report.sections] == [s.path for s in original.sections]
    assert len(report.pages) == 5 and report.pages[0] == 0

    import pdfplumber

    with pdfplumber.open(tmp_path / "yichun.pdf") as pdf:
        printed = [comparable(page.extract_text()) for page in pdf.pages]
    for number, start in enumerate(report.pages, start=1):
        assert printed[number - 1].startswith(comparable(report.text[start:start + 10])), number
    for chunk in item.chunks:
        page = page_at(report, chunk.start)
        assert page is not None
        page_end = report.pages[page] if page < len(report.pages) else len(report.text)
        assert comparable(report.text[chunk.start:min(chunk.start + 10, page_end)]) in printed[page - 1]
