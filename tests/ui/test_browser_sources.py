"""Citations stay true in a conversation: every answer keeps its own sources, abstentions included."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.ui.browser import ask, assistant_messages, chromium_page
from tests.ui.conftest import ARTIFACTS, Server

HIGHLIGHT = "rgb(232, 89, 12)"  # the :target border of the card a marker points at


@pytest.fixture()
def page(server: Server) -> Iterator[Any]:
    with chromium_page(server) as tab:
        yield tab


def click_marker(page: Any, answer: int, marker: int) -> Any:
    """Click marker [marker] of the answer-th assistant message; the card it points at."""
    link = assistant_messages(page).nth(answer - 1).locator("a.cite").filter(has_text=f"[{marker}]").first
    target = link.get_attribute("href")
    link.click()
    page.wait_for_timeout(500)
    assert page.url.endswith(target)
    return page.locator(target)


def test_a_marker_of_an_earlier_answer_highlights_that_answers_source(page: Any) -> None:
    ask(page, "柯城区行政争议调解中心调解成功率是多少？")
    ask(page, "西湖区2024年行政复议收案多少件？")
    first, second = (assistant_messages(page).nth(i).inner_text() for i in range(2))
    assert "柯城区" in first and "西湖区" in second

    card = click_marker(page, 1, 1)
    assert card.is_visible()
    assert card.evaluate("el => getComputedStyle(el).borderTopColor") == HIGHLIGHT
    assert "柯城区" in card.locator(".source-meta").inner_text()
    quote = card.locator("mark").inner_text().strip()
    assert quote and quote.rstrip("。") in first                 # the first answer's own quote
    assert "调解成功率93%" in quote
    page.screenshot(path=str(ARTIFACTS / "07-earlier-citation.png"), full_page=True)

    card = click_marker(page, 2, 1)
    assert card.evaluate("el => getComputedStyle(el).borderTopColor") == HIGHLIGHT
    assert "西湖区" in card.locator(".source-meta").inner_text()
    assert "845件" in card.locator("mark").inner_text()


def test_after_an_abstention_old_markers_still_point_to_their_sources(page: Any) -> None:
    ask(page, "伊春市成立了什么仲裁机构？")
    ask(page, "海南省三亚市设立了多少个公共法律服务站？")
    abstention = assistant_messages(page).nth(1)
    assert abstention.locator("a.cite").count() == 0
    newest = page.locator("#sources details.source-group").first
    assert "第2问" in newest.locator("summary").inner_text()
    if newest.locator(".passage-card").count():  # the answerer returns the closest passages for abstentions
        assert "最相关的段落" in newest.inner_text() and "不是回答的依据" in newest.inner_text()
    else:
        assert "没有引用来源" in newest.inner_text()

    card = click_marker(page, 1, 1)
    assert card.is_visible()
    assert card.evaluate("el => getComputedStyle(el).borderTopColor") == HIGHLIGHT
    assert "伊春市" in card.locator(".source-meta").inner_text() and "仲裁委员会" in card.inner_text()
    page.screenshot(path=str(ARTIFACTS / "08-after-abstention.png"), full_page=True)
