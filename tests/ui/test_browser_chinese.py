"""Chinese throughout: an English-language browser sees no English interface text in any tab.

Every visible text node and every visible placeholder, tooltip and screen-reader label is read; Latin
words are allowed only in report text, in file names and on the short list in tests/ui/browser.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from answer.pipeline import MAX_QUESTION_CHARS
from tests.ui.browser import VISIBLE_TEXT, ask, assistant_messages, chromium_page, english_left, sample_text
from tests.ui.conftest import ARTIFACTS, REPO, Server


@pytest.fixture(scope="module")
def page(server: Server) -> Iterator[Any]:
    with chromium_page(server, locale="en-US") as tab:
        assert tab.evaluate("navigator.language") == "zh-CN"  # what Gradio reads, whatever the browser's
        yield tab


def open_accordions(page: Any) -> None:
    for accordion in page.locator(".label-wrap:not(.open)").all():
        if accordion.is_visible():
            accordion.click()
            page.wait_for_timeout(200)


def test_the_page_declares_chinese(server: Server, page: Any) -> None:
    served = httpx.get(server.url + "/", headers={"Accept-Language": "en-US,en"}, timeout=30).text
    assert 'lang="zh-CN"' in served and 'lang="en"' not in served
    assert page.evaluate("document.documentElement.lang") == "zh-CN"


def test_gradio_english_status_line_is_hidden(page: Any) -> None:
    # Gradio writes "queue: 1/2 |" and "processing |" into .progress-text while an event runs, in English
    # whatever the locale; the app's CSS hides that line (spinner and timer stay). A line is planted here
    # because a real one lasts only as long as a queued event.
    visible = page.evaluate("""() => {
      const line = document.createElement("span");
      line.className = "progress-text";
      line.textContent = "queue: 1/1 |";
      document.querySelector(".gradio-container").appendChild(line);
      const shown = line.checkVisibility({visibilityProperty: true});
      line.remove();
      return shown;
    }""")
    assert visible is False


def test_chat_messages_are_chinese(page: Any) -> None:
    page.get_by_role("tab", name="问答").click()
    page.fill("#question textarea", "   ")
    page.click("#send")
    page.wait_for_function("() => document.querySelector('#ask-status').innerText.includes('请输入问题')")

    ask(page, "问" * (MAX_QUESTION_CHARS + 100))
    refusal = f"问题过长（{MAX_QUESTION_CHARS + 100}字），请精简到{MAX_QUESTION_CHARS}字以内。"
    assert refusal in assistant_messages(page).last.inner_text()
    assert page.inner_text("#ask-status").strip() == ""

    open_accordions(page)
    page.locator("#filter-region input").click()
    page.locator(".options li.item").filter(has_text="伊春市").first.click()
    page.keyboard.press("Escape")
    ask(page, "申明亭调解室在哪里？")                 # only 西湖区's report mentions it
    assert "（已按筛选条件：地区=伊春市 检索）" in assistant_messages(page).last.inner_text()


def test_no_english_interface_text_in_any_tab(page: Any, tmp_path: Path) -> None:
    seen: list[str] = []
    page.get_by_role("tab", name="问答").click()
    ask(page, "哪些县设立了行政争议调解中心？")
    open_accordions(page)
    seen += page.evaluate(VISIBLE_TEXT)

    page.get_by_role("tab", name="原文表述").click()
    page.fill("#phrase textarea", "人民调解")
    page.click("#find-wording")
    page.wait_for_selector("#wording-results .wording-hit", timeout=60_000)
    seen += page.evaluate(VISIBLE_TEXT)

    page.get_by_role("tab", name="指标对比").click()
    page.fill("#figures-query textarea", "败诉率")
    page.click("#figures-search")
    page.wait_for_selector("#figures-svg", timeout=60_000)
    page.locator("#figures-table").get_by_text("西湖区", exact=True).first.click()
    page.wait_for_selector("#figures-clause mark", timeout=30_000)
    seen += page.evaluate(VISIBLE_TEXT)

    page.get_by_role("tab", name="报告库").click()
    page.locator("#corpus-pick input").click()
    page.locator(".options li.item").first.click()
    page.click("#remove-report")
    page.wait_for_selector("#remove-yes", state="visible")
    seen += page.evaluate(VISIBLE_TEXT)
    page.click("#remove-no")

    gold = tmp_path / "三题.jsonl"
    lines = (REPO / "eval" / "gold" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    gold.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    page.get_by_role("tab", name="评测").click()
    page.locator("#gold-upload input[type=file]").set_input_files(str(gold))
    page.wait_for_timeout(1000)
    page.click("#run-eval")
    page.wait_for_function("() => document.querySelector('#eval-status').innerText.includes('三题.jsonl')",
                           timeout=300_000)
    open_accordions(page)
    page.click("#gold-save")
    page.wait_for_function("() => document.querySelector('#gold-status').innerText.includes('未保存')")
    assert "问题为空" in page.inner_text("#gold-status")
    seen += page.evaluate(VISIBLE_TEXT)
    page.screenshot(path=str(ARTIFACTS / "09-evaluate-chinese.png"), full_page=True)

    assert "证据召回率（前5条）" in "\n".join(seen)
    left = sorted(set(english_left(seen, sample_text())))
    assert not left, "English on the page:\n" + "\n".join(left)
