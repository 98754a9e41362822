"""What the server adds to Gradio's page: Chinese whatever the browser's language, citation groups that open.

Gradio picks the language of its built-in strings ("Drop File Here", "Clear"…) from `navigator.language`
and offers no setting for it, so the page is served with lang="zh-CN" and a script, ahead of Gradio's
own, that reports zh-CN. A few labels Gradio writes in English without translation (tooltips and
screen-reader labels of its table, upload and copy buttons) are translated as they appear. A citation
link opens the folded group of sources it points into (browsers other than Chromium do not).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]

# Gradio's own message keys that its zh-CN table lacks (common.complete is missing in every language).
GRADIO_ZH_CN = {
    "common.complete": "完成", "chatbot.complete": "完成", "chatbot.copy_message": "复制消息",
    "chatbot.copied_message": "已复制消息", "common.download_all": "全部下载", "common.progress": "进度",
    "common.run": "运行", "common.runs": "运行记录", "common.runs_description": "查看此浏览器中保存的运行记录",
    "common.back_to_app": "返回", "common.back_to_app_description": "返回应用",
    "dataframe.filter": "筛选", "dataframe.clear_filter": "清除筛选",
    "status.queue_position": "排队中：第 {position} 位，共 {size} 位",
}
# Labels Gradio writes in English whatever the language (whole values, and prefixes of chat message labels).
UNTRANSLATED = {
    "Copy": "复制", "Copied": "已复制", "Copy table data": "复制表格数据", "Copied to clipboard": "已复制到剪贴板",
    "Fullscreen": "全屏", "Exit fullscreen": "退出全屏", "Exit fullscreen mode": "退出全屏",
    "Click to upload or drop files": "点击上传或拖放文件", "Empty value": "空", "No value": "无",
    "Gradio footer navigation": "页脚导航", "chatbot conversation": "对话", "Table actions": "表格操作",
    "Dataframe": "数据表", "Clear": "清除", "Remove": "移除", "Download": "下载", "Share": "分享",
    "Sort ascending": "升序排列", "Sort descending": "降序排列", "Clear sort": "取消排序",
    "Search": "搜索", "Filter": "筛选", "Select all": "全选", "Close": "关闭", "Copy conversation": "复制全部对话",
    "Select column": "选择列", "Select row": "选择行",  # shown once a cell of a table is clicked (指标对比)
}
UNTRANSLATED_PREFIXES = {"bot's message: ": "回答：", "user's message: ": "提问："}
_SCRIPT = """<script>(() => {
  const pin = (name, value) => Object.defineProperty(Navigator.prototype, name, {get: () => value, configurable: true});
  pin("language", "zh-CN");
  pin("languages", ["zh-CN", "zh"]);
  const names = %s, prefixes = %s;
  const attributes = ["aria-label", "title", "placeholder"];
  const chinese = (value) => {
    if (Object.hasOwn(names, value)) return names[value];
    for (const [prefix, name] of Object.entries(prefixes)) {  // the message follows, as markup: keep its text
      if (value.startsWith(prefix)) return name + value.slice(prefix.length).replace(/<[^>]*>/g, "");
    }
    return null;
  };
  const translate = (el) => {
    for (const attr of attributes) {
      const value = el.getAttribute(attr), translated = value && chinese(value);
      if (translated) el.setAttribute(attr, translated);
    }
  };
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "attributes") translate(record.target);
      for (const node of record.addedNodes) {
        if (node.nodeType !== Node.ELEMENT_NODE) continue;
        translate(node);
        node.querySelectorAll("[aria-label], [title], [placeholder]").forEach(translate);
      }
    }
  }).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: attributes});
  window.addEventListener("hashchange", () => {
    const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    const group = target && target.closest("details");
    if (group) group.open = true;
  });
})();</script>"""


def gradio_translations() -> Any:
    """Gradio's I18n with the missing zh-CN strings, for mount_gradio_app."""
    import gradio as gr

    return gr.I18n(**{"zh-CN": GRADIO_ZH_CN})


def chinese_page(html: str) -> str:
    """The Gradio page declared zh-CN, with the locale script first in <head>."""
    script = _SCRIPT % (json.dumps(UNTRANSLATED, ensure_ascii=False),
                        json.dumps(UNTRANSLATED_PREFIXES, ensure_ascii=False))
    return html.replace('lang="en"', 'lang="zh-CN"', 1).replace("<head>", "<head>" + script, 1)


class ChinesePage:
    """ASGI middleware: rewrites the HTML pages Gradio serves (those holding `gradio_config`) with chinese_page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        held: list[Message] = []  # the start message and body of an HTML response, until it is complete

        async def rewrite(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                if headers.get(b"content-type", b"").startswith(b"text/html"):
                    held.append(message)
                    return
            if not held:
                await send(message)
                return
            held.append(message)
            if message.get("more_body"):
                return
            start, *bodies = held
            body = b"".join(m.get("body", b"") for m in bodies)
            if b"gradio_config" in body:
                body = chinese_page(body.decode("utf-8")).encode("utf-8")
            kept = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            await send({**start, "headers": [*kept, (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, rewrite)
