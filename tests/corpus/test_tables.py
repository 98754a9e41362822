"""Tables become one line per row with the column headers kept, in .docx and in text PDFs."""

from __future__ import annotations

from pathlib import Path

from corpus.ingest import ingest
from corpus.tables import fill_merged, table_lines
from tests.corpus.documents import text_pdf

TABLE = [["指标", "2023年", "2022年"], ["败诉率", "2.21%", "3.1%"], ["出庭应诉率", "100%", "98.6%"]]
ROWS = ["指标：败诉率；2023年：2.21%；2022年：3.1%", "指标：出庭应诉率；2023年：100%；2022年：98.6%"]


def test_rows_are_named_by_their_headers() -> None:
    assert table_lines(TABLE) == ROWS


def test_merged_wrapped_and_empty_cells() -> None:
    rows = [["类别", "案件数", "案件数", ""],
            ["行政复议", "312\n件", "312\n件", ""],
            ["", "", "", ""],
            ["行政诉讼", "", "45件", "备注 text"]]
    assert table_lines(rows) == ["类别：行政复议；案件数：312件", "类别：行政诉讼；案件数：45件；备注 text"]
    assert table_lines([["调解案件", "8612件"]]) == ["调解案件；8612件"]
    assert table_lines([["一列"], ["二列"]]) == ["一列", "二列"]
    assert table_lines([[""], []]) == []


def test_fill_merged_takes_the_header_to_the_left_and_values_from_above() -> None:
    assert fill_merged([["地区", "2023年", None], ["诸暨", "5", "6"], [None, "7", "8"]]) == [
        ["地区", "2023年", "2023年"], ["诸暨", "5", "6"], ["诸暨", "7", "8"]]


def test_pdf_table_rows_at_the_table_place(tmp_path: Path) -> None:
    text_pdf(["诸暨市司法局2023年法治政府建设工作报告", "一、主要举措和成效",
              "全市行政机关负责人出庭应诉率保持高位，行政诉讼案件败诉率持续下降，具体情况见下表。", TABLE,
              "二、存在问题", "基层法治力量仍较薄弱。"], tmp_path / "table.pdf")
    report = ingest([tmp_path]).reports[0].report
    lines = report.text.split("\n")
    assert lines[lines.index(ROWS[0]) - 1].endswith("具体情况见下表。")
    assert lines[lines.index(ROWS[0]) + 1:lines.index(ROWS[0]) + 3] == [ROWS[1], "二、存在问题"]
    assert report.text.count("2.21%") == 1  # the figure exists only in the table, once
    assert [s.labels[-1] for s in report.sections if s.level == 1] == ["一、主要举措和成效", "二、存在问题"]


def test_pdf_table_without_rules_keeps_a_line_per_row(tmp_path: Path) -> None:
    """Without ruling lines pdfplumber finds no table; the rows at least stay apart, never one run-on paragraph."""
    text_pdf(["一、主要举措和成效", "具体情况见下表。", TABLE, "基层法治力量仍较薄弱。"], tmp_path / "plain.pdf",
             ruled=False)
    report = ingest([tmp_path]).reports[0].report
    assert "\n指标 2023年 2022年\n败诉率 2.21% 3.1%\n出庭应诉率 100% 98.6%\n" in report.text
