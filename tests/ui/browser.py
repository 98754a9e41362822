"""Helpers for the browser tests: Debian's Chromium driven by Playwright, asking, reading the page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from corpus.ingest import samples_dir
from tests.ui.conftest import Server

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
TABS = ("问答", "原文表述", "指标对比", "报告库", "评测")
# Latin words the page may show besides report text, file names, codes with digits (question ids such as d01)
# and figures with their units (Gradio's timer "0.4s", file sizes "1.3 KB"): the product, formats, protocols.
ALLOWED_LATIN = {"reportqa", "API", "CSV", "docx", "Markdown", "Word", "PDF", "pdf", "txt", "md", "html", "jsonl",
                 "xlsx", "png", "jpg", "tif"}
CODE = re.compile(r"\b[A-Za-z]+\d+\w*|\d[\d.,]*\s?(?:s|ms|B|KB|MB|GB)\b")
FILE_NAME = re.compile(r"[\w.\-]+\.(?:txt|md|html?|docx|pdf|jsonl|csv|xlsx)\b", re.IGNORECASE)
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
# Every visible text node, and the placeholder, tooltip and screen-reader label of every visible element.
VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement, text = node.textContent.trim();
    if (text && el && el.checkVisibility({visibilityProperty: true})) out.push(text);
  }
  for (const el of document.querySelectorAll("[placeholder], [title], [aria-label]")) {
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    for (const name of ["placeholder", "title", "aria-label"]) {
      if (el.getAttribute(name)) out.push(el.getAttribute(name));
    }
  }
  return out;
}"""


@contextmanager
def chromium_page(server: Server, locale: str = "zh-CN") -> Iterator[Any]:
    """A page of the app in headless Chromium; locale sets the browser's language (navigator and Accept-Language)."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing at /usr/bin/chromium: install it (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=[*FLAGS, f"--lang={locale}"])
        context = browser.new_context(locale=locale, viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.dismiss())
        page.requested = []  # every URL the page asks for: all must be this server (no CDN, works offline)
        page.on("request", lambda request: page.requested.append(request.url))
        open_app(page, server)
        yield page
        browser.close()


def open_app(page: Any, server: Server) -> None:
    """Load (or reload) the app and wait until it is ready."""
    page.goto(server.url + "/")
    page.wait_for_selector("#question textarea", timeout=60_000)


def ask(page: Any, question: str) -> None:
    """Ask in the chat tab and wait until the answer is complete (its sources panel is rendered)."""
    page.get_by_role("tab", name="问答").click()
    groups = page.locator("#sources details.source-group").count()
    page.fill("#question textarea", question)
    page.click("#send")
    page.wait_for_function("n => document.querySelectorAll('#sources details.source-group').length > n",
                           arg=groups, timeout=60_000)
    page.wait_for_timeout(300)


def assistant_messages(page: Any) -> Any:
    """The assistant's messages in the chat, oldest first."""
    return page.locator("#chatbot .message-row.bot-row")


def dropdown_options(page: Any, elem_id: str) -> list[str]:
    """The choices a Gradio dropdown offers (it is opened and closed again)."""
    field = page.locator(f"#{elem_id} input")
    field.click()
    page.wait_for_timeout(300)
    options = [t.strip() for t in page.locator(".options li.item").all_inner_texts()]
    page.keyboard.press("Escape")
    field.blur()
    return options


def sample_text() -> str:
    """Every bundled sample report, to tell report content from interface text."""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(samples_dir().glob("*.txt")))


def english_left(texts: list[str], report_text: str) -> list[str]:
    """Latin words in texts that are neither report content, file names nor on the allow-list."""
    left = []
    for text in texts:
        for word in LATIN_WORD.findall(CODE.sub(" ", FILE_NAME.sub(" ", text))):
            if word not in ALLOWED_LATIN and word not in report_text:
                left.append(f"{word} (in {text[:60]!r})")
    return left


def assert_offline(page: Any, server: Server) -> None:
    """The page asked nothing of any other host."""
    foreign = [u for u in page.requested if not u.startswith((server.url, "data:", "blob:", "about:"))]
    assert not foreign, foreign[:5]
