"""Main text of a government-portal HTML page: scripts, styles and navigation dropped."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "canvas", "form",
              "nav", "header", "footer", "aside", "button", "select", "input", "object", "embed")
_FURNITURE = re.compile(r"nav|menu|breadcrumb|crumb|footer|header|sidebar|share|toolbar|banner|"
                        r"copyright|related|qrcode|login|search", re.IGNORECASE)
_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
               "article", "table", "blockquote", "pre", "dd", "dt", "ul", "ol", "main"}
_MAX_DEPTH = 400  # deeply nested hostile pages are flattened past this depth


def html_to_text(html: str) -> tuple[str, str | None]:
    """Return (main text with one block per line, <title> text or None)."""
    tree = HTMLParser(html)
    title_node = tree.css_first("title")
    title = title_node.text(strip=True) if title_node else None
    for tag in _DROP_TAGS:
        for node in tree.css(tag):
            node.decompose()
    for node in tree.css("[class], [id]"):
        marker = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if _FURNITURE.search(marker) and not _holds_main_text(node):
            node.decompose()
    root = _main_container(tree)
    lines: list[str] = []
    _collect(root, lines, 0)
    text = "\n".join(line.strip() for line in "".join(lines).split("\n"))
    return text, (title or None)


def _holds_main_text(node: Node) -> bool:
    """A wrapper named 'content-header' may still hold the article; keep text-heavy nodes."""
    return len(node.text(strip=True)) > 2000


def _main_container(tree: HTMLParser) -> Node:
    for selector in ("article", "main", "#zoom", ".TRS_Editor", ".article", ".content"):
        node = tree.css_first(selector)
        if node is not None and len(node.text(strip=True)) > 200:
            return node
    return tree.body or tree.root  # type: ignore[return-value]


def _collect(node: Node, out: list[str], depth: int) -> None:
    # The depth cap keeps recursion bounded on hostile, deeply nested pages.
    child = node.child
    while child is not None:
        if child.tag == "-text":
            out.append((child.text_content or "").replace("\n", " "))
        elif depth < _MAX_DEPTH:
            block = child.tag in _BLOCK_TAGS
            if block:
                out.append("\n")
            _collect(child, out, depth + 1)
            if block:
                out.append("\n")
        else:
            out.append(child.text(separator=" "))
        child = child.next
