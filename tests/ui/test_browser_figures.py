"""The 指标对比 tab in the real browser: table across reports, labelled bar chart, clause on click, CSV and xlsx."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ui.browser import chromium_page
from tests.ui.conftest import ARTIFACTS, Server


@pytest.fixture()
def page(server: Server) -> Iterator[Any]:
    with chromium_page(server) as tab:
        yield tab


def _search(page: Any, indicator: str) -> None:
    page.get_by_role("tab", name="指标对比").click()
    page.fill("#figures-query textarea", indicator)
    page.click("#figures-search")
    page.wait_for_selector("#figures-svg", timeout=60_000)
    page.wait_for_timeout(300)


def test_table_chart_and_clause(page: Any) -> None:
    _search(page, "败诉率")
    table = page.locator("#figures-table").inner_text()
    assert "诸暨市" in table and "2.21" in table and "西湖区" in table and "7.22" in table
    assert page.locator("#figures-svg rect.figure-bar").count() == 2
    values = page.locator("#figures-svg text.figure-value").all_text_contents()
    labels = page.locator("#figures-svg text.figure-label").all_text_contents()
    assert values == ["2.21%", "7.22%"] and labels == ["诸暨市2023", "西湖区2024"]
    heights = [float(h) for h in page.locator("#figures-svg rect.figure-bar").evaluate_all(
        "bars => bars.map(b => b.getAttribute('height'))")]
    assert heights[1] > heights[0] * 3  # 7.22 against 2.21: drawn to scale
    page.locator("#figures-table").get_by_text("西湖区", exact=True).first.click()
    page.wait_for_selector("#figures-clause mark", timeout=30_000)
    assert page.locator("#figures-clause mark").inner_text() == "败诉率7.22%"
    assert "004_e5f05fa6786c6ba1.txt" in page.locator("#figures-clause .source-meta").inner_text()
    page.screenshot(path=str(ARTIFACTS / "figures-tab.png"), full_page=True)


def test_exports(page: Any, tmp_path: Path) -> None:
    _search(page, "出庭率")
    with page.expect_download() as csv_download:
        page.click("#figures-csv")
    rows = list(csv.DictReader(io.StringIO(Path(csv_download.value.path()).read_text(encoding="utf-8-sig"))))
    assert {(r["region"], r["value_text"], r["unit"]) for r in rows} == {("南安市", "100", "%"), ("西湖区", "100", "%")}
    with page.expect_download() as xlsx_download:
        page.click("#figures-xlsx")
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    with zipfile.ZipFile(xlsx_download.value.path()) as workbook:
        strings = workbook.read("xl/sharedStrings.xml").decode("utf-8")
    assert "南安市" in strings and "行政机关负责人出庭率" in strings
