"""HTML for the web app: answers with clickable markers, source cards, the report viewer. All text escaped."""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from answer.types import Answer
from corpus.types import Report

_MARKER = re.compile(r"\[(\d+)\]")
CONTEXT_CHARS = 120


def answer_markdown(answer: Answer) -> str:
    """The answer for the chat: report text and user input shown as text, [n] linked to its source card."""
    escaped = html.escape(answer.answer, quote=False)
    known = {c.n for c in answer.citations}
    return _MARKER.sub(lambda m: f'<a href="#src-{m.group(1)}" class="cite">[{m.group(1)}]</a>'
                       if int(m.group(1)) in known else m.group(0), escaped)


def sources_html(answer: Answer | None, report_text: dict[str, str]) -> str:
    """One card per citation: title, place, year, section path, the passage with the quote highlighted."""
    if answer is None or not answer.citations:
        return '<div class="sources-empty">（暂无来源）</div>'
    cards = []
    for citation in answer.citations:
        text = report_text.get(citation.source, "")
        before = text[max(0, citation.start - CONTEXT_CHARS):citation.start]
        after = text[citation.end:citation.end + CONTEXT_CHARS]
        link = f"/report/{quote(citation.source)}?start={citation.start}&end={citation.end}#hl"
        cards.append(
            f'<div class="source-card" id="src-{citation.n}">'
            f'<div class="source-head"><b>[{citation.n}]</b> {html.escape(citation.title)}</div>'
            f'<div class="source-meta">{html.escape(citation.region or "")} · {citation.year or ""}年 · '
            f'{html.escape(citation.section or "正文")}</div>'
            f'<div class="source-passage">…{html.escape(before)}<mark>{html.escape(citation.quote)}</mark>'
            f'{html.escape(after)}…</div>'
            f'<a class="open-report" href="{html.escape(link)}" target="_blank">打开原文</a></div>')
    return "\n".join(cards)


def report_page(report: Report, start: int | None, end: int | None) -> str:
    """A stand-alone page with the whole report, the cited span marked and scrolled to (#hl)."""
    text = report.text
    if start is not None and end is not None and 0 <= start < end <= len(text):
        body = (html.escape(text[:start]) + f'<mark id="hl">{html.escape(text[start:end])}</mark>'
                + html.escape(text[end:]))
    else:
        body = html.escape(text)
    meta = report.meta
    facts = " · ".join(html.escape(str(v)) for v in (meta.region, meta.year and f"{meta.year}年",
                                                    meta.issuing_body, meta.publish_date) if v)
    return (
        "<!doctype html><html lang='zh'><head><meta charset='utf-8'>"
        f"<title>{html.escape(meta.title)}</title><style>"
        "body{font-family:sans-serif;max-width:52em;margin:2em auto;line-height:1.8;padding:0 1em}"
        "pre{white-space:pre-wrap;font-family:inherit}mark{background:#ffe066;padding:0 2px}</style></head>"
        f"<body><h1>{html.escape(meta.title)}</h1><p>{facts}</p><pre>{body}</pre></body></html>")
