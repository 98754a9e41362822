"""The web app in a real headless Chromium (Debian's, driven by Playwright).

Ask, read the sources, click a citation, upload a report and find it, hostile text shown as text.
Screenshots go to var/test-artifacts.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ui.browser import ask, assert_offline, assistant_messages, chromium_page
from tests.ui.conftest import ARTIFACTS, Server

UPLOAD = """桐庐县司法局2023年法治政府建设工作报告
2023年,桐庐县司法局坚持依法行政,全面推进法治政府建设。
一、主要举措和成效
(一)化解行政争议。一是设立桐庐县行政争议调解中心,全年调解行政争议案件66件。二是健全府院联动机制。
(二)回应群众关切。群众反映<script>window.__pwned = 1</script>的停车难问题得到解决。
<img src=x onerror="window.__pwned = 2">图片说明。
二、存在问题
基层调解力量不足。
"""


@pytest.fixture(scope="module")
def page(server: Server) -> Iterator[Any]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with chromium_page(server) as tab:
        yield tab


def test_ask_read_sources_click_citation(page: Any, server: Server) -> None:
    ask(page, "哪些县设立了行政争议调解中心？")
    page.wait_for_selector("#sources .source-card", timeout=60_000)
    chat = page.inner_text("#chatbot")
    for place in ("诸暨市", "柯城区", "西湖区"):
        assert place in chat
    sources = page.inner_text("#sources")
    assert "行政争议调解中心" in sources and "打开原文" in sources
    page.screenshot(path=str(ARTIFACTS / "01-answer.png"), full_page=True)
    marker = assistant_messages(page).last.locator("a.cite").nth(1)
    target = marker.get_attribute("href")
    assert target.endswith(f"-{marker.inner_text().strip('[]')}")  # #src-<answer>-<n>
    marker.click()
    page.wait_for_timeout(500)
    assert page.url.endswith(target)
    card = page.locator(target)
    assert card.is_visible() and card.locator("mark").inner_text().strip()
    border = card.evaluate("el => getComputedStyle(el).borderTopColor")
    assert border == "rgb(232, 89, 12)"  # the :target highlight of the clicked citation's card
    page.screenshot(path=str(ARTIFACTS / "02-citation-clicked.png"))
    with page.expect_popup() as popup:
        card.locator("a.open-report").click()
    report = popup.value
    report.wait_for_selector("mark#hl")
    assert report.locator("mark#hl").inner_text() == card.locator("mark").inner_text()
    report.screenshot(path=str(ARTIFACTS / "03-report-viewer.png"))
    report.close()
    page.locator("#chatbot").scroll_into_view_if_needed()
    page.get_by_text("评价这条回答").click()
    page.get_by_label("部分正确").check()
    page.click("#rate")
    page.wait_for_function("() => document.body.innerText.includes('已保存评价：部分正确')", timeout=30_000)
    assert_offline(page, server)


def test_evaluate_tab_runs_a_gold_set(page: Any, server: Server) -> None:
    page.get_by_role("tab", name="评测").click()
    page.click("#run-eval")
    page.wait_for_function("() => document.body.innerText.includes('题全部检查通过')", timeout=300_000)
    text = page.inner_text("body")
    assert "数字" in text and "证据召回率（前5条）" in text
    page.screenshot(path=str(ARTIFACTS / "06-evaluate.png"), full_page=True)

    page.get_by_text("编写金标准问题").click()
    page.fill("#gold-question textarea", "伊春市成立了什么仲裁机构？")
    page.click("#gold-search")
    evidence = page.locator("#gold-evidence label").filter(has_text="成立了伊春仲裁委员会")
    evidence.first.wait_for(timeout=30_000)
    evidence.first.click()
    page.fill("#gold-must textarea", "伊春仲裁委员会")
    page.click("#gold-save")
    page.wait_for_function("() => document.querySelector('#gold-status').innerText.includes('已写入')",
                           timeout=30_000)
    assert "证据 1 条" in page.inner_text("#gold-status")
    assert_offline(page, server)


def test_upload_then_find_and_hostile_text_stays_text(page: Any, server: Server, tmp_path: Path) -> None:
    upload = tmp_path / "桐庐县2023年报告.txt"
    upload.write_text(UPLOAD, encoding="utf-8")
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not a docx")
    page.get_by_role("tab", name="报告库").click()
    page.locator("#upload input[type=file]").set_input_files([str(upload), str(broken)])
    page.wait_for_timeout(1500)
    page.click("#add-reports")
    page.wait_for_function("() => document.querySelector('#corpus-status').innerText.includes('新增')",
                           timeout=120_000)
    status = page.inner_text("#corpus-status")
    assert "新增 1" in status and "broken.docx" in status and "损坏的 docx 文件" in status
    assert "桐庐县司法局2023年法治政府建设工作报告" in page.inner_text("#corpus-table")
    page.screenshot(path=str(ARTIFACTS / "04-uploaded.png"), full_page=True)

    ask(page, "桐庐县设立了什么调解中心？")
    assert "桐庐县行政争议调解中心" in page.inner_text("#chatbot")
    ask(page, "桐庐县群众反映的停车难问题解决了吗<b>加粗</b>？")
    chat = page.inner_text("#chatbot")
    assert "<b>加粗</b>" in chat                              # the user's own markup is shown as typed
    assert "<script>window.__pwned = 1</script>" in chat + page.inner_text("#sources")
    assert page.evaluate("() => window.__pwned") is None     # nothing from the report ran
    page.screenshot(path=str(ARTIFACTS / "05-hostile-text.png"), full_page=True)
    assert_offline(page, server)
