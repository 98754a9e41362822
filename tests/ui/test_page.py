"""The page rewrite: Gradio's HTML declared zh-CN with the locale script first; everything else untouched."""

from __future__ import annotations

from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.responses import HTMLResponse, JSONResponse, StreamingResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from ui.page import ChinesePage

GRADIO_PAGE = ('<!doctype html>\n<html\n\tlang="en"\n>\n\t<head>\n'
               "<script>window.gradio_config = {};</script></head></html>")


async def _chunks() -> AsyncIterator[bytes]:
    for part in GRADIO_PAGE.partition("<head>"):
        yield part.encode()


def client() -> TestClient:
    app = Starlette(routes=[
        Route("/", lambda request: HTMLResponse(GRADIO_PAGE)),
        Route("/streamed", lambda request: StreamingResponse(_chunks(), media_type="text/html")),
        Route("/report", lambda request: HTMLResponse("<html lang='zh-CN'><head></head>报告</html>")),
        Route("/config", lambda request: JSONResponse({"lang": "en"})),
        Route("/form", lambda request: HTMLResponse(GRADIO_PAGE), methods=["POST"]),
    ])
    return TestClient(ChinesePage(app))


def test_the_gradio_page_is_declared_chinese_with_the_script_first() -> None:
    with client() as http:
        for path in ("/", "/streamed"):
            response = http.get(path)
            page = response.text
            assert 'lang="zh-CN"' in page and 'lang="en"' not in page
            assert page.index("<head><script>") < page.index("window.gradio_config")
            assert 'pin("language", "zh-CN")' in page and '"Copy table data": "复制表格数据"' in page
            assert int(response.headers["content-length"]) == len(response.content)


def test_other_responses_pass_unchanged() -> None:
    with client() as http:
        assert http.get("/report").text == "<html lang='zh-CN'><head></head>报告</html>"
        assert http.get("/config").json() == {"lang": "en"}
        assert 'lang="en"' in http.post("/form").text

