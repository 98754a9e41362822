"""Lists stay true: reports uploaded or removed show in every list after a reload; the wording list in full."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from corpus.ingest import samples_dir
from tests.ui.browser import chromium_page, dropdown_options, open_app
from tests.ui.conftest import ARTIFACTS, Server

XIHU = samples_dir() / "004_e5f05fa6786c6ba1.txt"


@pytest.fixture()
def page(server: Server) -> Iterator[Any]:
    with chromium_page(server) as tab:
        yield tab


def copy_of_xihu(folder: Path, region: str) -> Path:
    """The 西湖区 sample as another district's report, with other figures."""
    text = XIHU.read_text(encoding="utf-8").replace("西湖区", region).replace("西湖", region[:-1])
    path = folder / f"{region}2024年报告.txt"
    path.write_text(text.replace("13009", "12001"), encoding="utf-8")
    return path


def upload(page: Any, path: Path) -> None:
    page.get_by_role("tab", name="报告库").click()
    page.locator("#upload input[type=file]").set_input_files(str(path))
    page.wait_for_timeout(1000)
    page.click("#add-reports")
    page.wait_for_function("() => document.querySelector('#corpus-status').innerText.includes('新增 1')",
                           timeout=180_000)


def reload(page: Any, server: Server, expect_in_table: str | None = None) -> None:
    """Reload the page; wait until the page-load event has refilled the lists."""
    open_app(page, server)
    page.get_by_role("tab", name="报告库").click()
    page.wait_for_function("name => document.querySelector('#corpus-table').innerText.includes(name)",
                           arg=expect_in_table or "004_e5f05fa6786c6ba1.txt", timeout=30_000)
    page.wait_for_timeout(500)


def listed(page: Any, name: str, region: str) -> tuple[bool, bool, bool]:
    """Whether the report is in the table, the report dropdown, and its region in the chat's region filter."""
    page.get_by_role("tab", name="报告库").click()
    in_table = name in page.inner_text("#corpus-table")
    in_pick = name in dropdown_options(page, "corpus-pick")
    page.get_by_role("tab", name="问答").click()
    if not page.locator("#filter-region").is_visible():
        page.get_by_text("筛选", exact=True).click()
    in_filter = region in dropdown_options(page, "filter-region")
    return in_table, in_pick, in_filter


def choose_report(page: Any, name: str) -> None:
    page.get_by_role("tab", name="报告库").click()
    page.locator("#corpus-pick input").click()
    page.locator(".options li.item").filter(has_text=name).first.click()


def test_an_upload_is_listed_after_reload_and_gone_after_a_confirmed_removal(page: Any, server: Server,
                                                                             tmp_path: Path) -> None:
    report = copy_of_xihu(tmp_path, "上城区")
    upload(page, report)
    assert listed(page, report.name, "上城区") == (True, True, True)

    reload(page, server, report.name)
    assert listed(page, report.name, "上城区") == (True, True, True)
    page.screenshot(path=str(ARTIFACTS / "10-listed-after-reload.png"), full_page=True)

    choose_report(page, report.name)
    page.click("#remove-report")
    page.wait_for_selector("#remove-confirm", state="visible")
    assert f"确定从报告库中移除 {report.name} 吗？" in page.inner_text("#remove-confirm")
    page.click("#remove-no")                                           # cancelled: nothing removed
    page.wait_for_selector("#remove-confirm", state="hidden")
    assert "已取消移除" in page.inner_text("#corpus-status") and report.name in page.inner_text("#corpus-table")

    page.click("#remove-report")
    page.wait_for_selector("#remove-confirm", state="visible")
    page.click("#remove-yes")
    page.wait_for_function("() => document.querySelector('#corpus-status').innerText.includes('已移除')",
                           timeout=180_000)
    assert page.locator("#remove-confirm").is_hidden()
    reload(page, server)
    assert listed(page, report.name, "上城区") == (False, False, False)


def test_wording_numbers_from_ten_on_are_whole_and_near_duplicates_fold(page: Any, server: Server,
                                                                        tmp_path: Path) -> None:
    upload(page, copy_of_xihu(tmp_path, "拱墅区"))
    page.get_by_role("tab", name="原文表述").click()
    page.fill("#phrase textarea", "人民调解")
    page.click("#find-wording")
    page.wait_for_selector("#wording-results .wording-hit", timeout=60_000)
    hits = page.locator("#wording-results .wording-hit")
    assert hits.count() >= 12
    for number in range(1, 13):
        label = hits.nth(number - 1).locator(".wording-n")
        assert label.inner_text().strip() == f"{number}."
        assert label.evaluate("el => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().left >= "
                              "el.closest('#wording-results').getBoundingClientRect().left")
    assert "12." in page.inner_text("#wording-choose")
    listing = page.inner_text("#wording-results")
    assert "三是培优人民调解队伍。" not in listing                    # a bare item label is not wording

    folded = hits.filter(has_text="人民调解案件共受理").first
    own = folded.locator("b").first.inner_text()
    summary = folded.locator(".wording-folded summary")
    assert summary.inner_text().startswith("另有") and "处相近表述" in summary.inner_text()
    summary.click()
    other = "拱墅区" if own.startswith("西湖区") else "西湖区"
    variant = folded.locator(".wording-variant").first.inner_text()
    assert variant.startswith(f"{other}：") and "人民调解案件共受理" in variant
    page.screenshot(path=str(ARTIFACTS / "11-wording.png"), full_page=True)
