"""Main text of a saved government-portal page: title, date/source rows and body; portal furniture dropped.

The body is the CMS's content block where it is marked (TRS_Editor, #zoom…), else the block holding
the most running text outside links (the readability heuristic). The text kept runs from the page
title (found before the body) to the end of the body, so the date/source rows between them stay for
the metadata and the navigation, related links, share buttons and footer around them go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from corpus.clean import is_header_row

_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "canvas", "form",
              "nav", "header", "footer", "aside", "button", "select", "input", "object", "embed")
_FURNITURE = re.compile(r"nav|menu|breadcrumb|crumb|footer|header|sidebar|share|toolbar|banner|"
                        r"copyright|related|qrcode|login|search", re.IGNORECASE)
_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
               "article", "table", "blockquote", "pre", "dd", "dt", "ul", "ol", "main"}
_CELL_TAGS = {"td", "th"}
_CONTAINER_TAGS = {"div", "td", "section", "article", "main", "body", "blockquote"}
_HEADING_TAGS = {"h1", "h2", "h3", "h4"}
# Content blocks marked by the CMSs of government portals (TRS, 大汉, 拓尔思…).
_MARKED_BODIES = (".TRS_Editor", "#zoom", "#Zoom", "#UCAP-CONTENT", ".pages_content", ".article-content",
                  "#ivs_content", ".view")
_TITLE_MARK = re.compile(r"title|tit\b|^bt$|headline|biaoti", re.IGNORECASE)
_TITLE_WORDS = re.compile(r"报告|情况|总结|工作要点|汇报")
_FILE_LINK = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|ofd|zip|rar|7z|et)(?:[?#].*)?$", re.IGNORECASE)
# Controls that sit in their own element: 【字体：大 中 小】, 打印本页, 关闭窗口, 分享到：微信 微博…
_CONTROL_TEXT = re.compile(
    r"^[【\[]?\s*(?:字体[:：]?\s*[大中小\s]*|字号[:：]?\s*[大中小\s]*|打印本页|打印|关闭窗口|关闭|返回顶部|收藏|"
    r"纠错|分享到[:：]?.*|扫一扫.*|上一篇[:：]?.*|下一篇[:：]?.*)\s*[】\]]?$")
_INLINE_CONTROLS = re.compile(r"[【\[]\s*(?:字体|字号)[:：]?\s*[大中小\s]*[】\]]|"
                              r"[【\[]\s*(?:打印本页|打印|关闭窗口|关闭)\s*[】\]]|分享到[:：].*$")
# Footer lines (never a sentence of a report: those end in 。).
_FOOTER_LINE = re.compile(r"(?:主办单位|承办单位|协办单位|技术支持|网站标识码)\s*[:：]|ICP备\s*\d|公网安备\s*\d|"
                          r"公安备案|版权所有|网站地图|联系我们")
_MIN_BODY = 200  # characters of running text a content block must hold
_MAX_DEPTH = 400  # deeply nested hostile pages are flattened past this depth


def html_to_text(html: str) -> tuple[str, str | None]:
    """Return (the page's title, header rows and body, one block per line; the <title> text or None)."""
    tree = HTMLParser(html)
    title_node = tree.css_first("title")
    page_title = title_node.text(strip=True) if title_node else None
    for tag in _DROP_TAGS:
        for node in tree.css(tag):
            node.decompose()
    root = tree.body or tree.root
    if root is None:
        return "", page_title or None
    _drop_furniture(tree, _measure(root))
    sizes = _measure(root)
    body = _marked_body(tree, sizes) or _densest_block(root, sizes) or root
    heading = _title_before(root, body, page_title or "", sizes)
    start = heading or body
    span = _Span(start=start.mem_id, end=body.mem_id, on=start.mem_id == root.mem_id)
    _collect(root, span, 0)
    header_rows = [line for line in _lines(span.before) if is_header_row(line)]
    return "\n".join(header_rows + _lines(span.inside)), page_title or None


def _measure(root: Node) -> dict[int, tuple[int, int, int]]:
    """Characters of text, characters of link text and links under each element (to the depth cap), in one pass."""
    sizes: dict[int, tuple[int, int, int]] = {}

    def measure(node: Node, depth: int) -> tuple[int, int, int]:
        total = linked = links = 0
        child = node.child
        while child is not None:
            if child.tag == "-text":
                total += len((child.text_content or "").strip())
            elif depth < _MAX_DEPTH and child.tag is not None:
                text, text_linked, child_links = measure(child, depth + 1)
                total += text
                linked += text if child.tag == "a" else text_linked
                links += 1 if child.tag == "a" else child_links
            child = child.next
        sizes[node.mem_id] = (total, linked, links)
        return total, linked, links

    measure(root, 0)
    return sizes


def _drop_furniture(tree: HTMLParser, sizes: dict[int, tuple[int, int, int]]) -> None:
    """Navigation, share and print controls, attachment links and link lists go; a wrapper holding the article stays."""
    doomed = []
    for node in tree.css("[class], [id]"):
        marker = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if _FURNITURE.search(marker) and sizes.get(node.mem_id, (0, 0, 0))[0] <= 2000:
            doomed.append(node)
    for node in tree.css("a, span, font, div, p, li, td, ul, dl, table"):
        if node.mem_id not in sizes:
            continue  # past the depth cap
        text, linked, links = sizes[node.mem_id]
        href = (node.attributes.get("href") or "") if node.tag == "a" else ""
        if (href and _FILE_LINK.search(href)) or (0 < text <= 40 and _CONTROL_TEXT.match(node.text(strip=True))):
            doomed.append(node)
        elif node.tag not in ("a", "span", "font", "td") and links >= 2 and 0 < text <= 3000 and linked >= 0.6 * text:
            doomed.append(node)  # related articles, menus: mostly links (a lone linked title may be body text)
    marked = {node.mem_id for node in doomed}
    for node in doomed:
        if not _has_ancestor_in(node, marked):
            node.decompose()


def _has_ancestor_in(node: Node, ids: set[int]) -> bool:
    parent = node.parent
    for _ in range(_MAX_DEPTH):
        if parent is None:
            return False
        if parent.mem_id in ids:
            return True
        parent = parent.parent
    return False


def _marked_body(tree: HTMLParser, sizes: dict[int, tuple[int, int, int]]) -> Node | None:
    for selector in _MARKED_BODIES:
        node = tree.css_first(selector)
        if node is not None and sizes.get(node.mem_id, (0, 0, 0))[0] >= _MIN_BODY:
            return node
    return None


def _densest_block(root: Node, sizes: dict[int, tuple[int, int, int]]) -> Node | None:
    """The block with the most running text outside links, counting half of its child blocks' text too."""
    scores: dict[int, float] = {}
    nodes: dict[int, Node] = {}
    for text_node in root.traverse(include_text=True):
        if text_node.tag != "-text":
            continue
        length = len((text_node.text_content or "").strip())
        container = _container_of(text_node) if length >= 10 else None
        if container is None:
            continue
        parent = _container_of(container)
        for node, share in ((container, 1.0), (parent, 0.5)):
            if node is not None:
                scores[node.mem_id] = scores.get(node.mem_id, 0.0) + share * length
                nodes[node.mem_id] = node
    if not scores:
        return None
    best = max(scores, key=lambda key: scores[key])
    return nodes[best] if sizes.get(best, (0, 0, 0))[0] >= _MIN_BODY else None


def _container_of(node: Node) -> Node | None:
    """The nearest enclosing block that holds paragraphs (a div or cell, not the <p> itself); None inside a link."""
    parent = node.parent
    for _ in range(40):
        if parent is None or parent.tag == "a":
            return None
        if parent.tag in _CONTAINER_TAGS:
            return parent
        parent = parent.parent
    return None


def _title_before(root: Node, body: Node, page_title: str, sizes: dict[int, tuple[int, int, int]]) -> Node | None:
    """The page's title element, before the body: it matches <title>, or is a heading with a report's wording."""
    best: Node | None = None
    best_matches_page_title = False
    for node in root.traverse():
        if node.mem_id == body.mem_id:
            break
        if not 6 <= sizes.get(node.mem_id, (0, 0, 0))[0] <= 100:
            continue
        text = node.text(strip=True)
        if "。" in text:
            continue
        matches_page_title = bool(page_title) and (text in page_title or page_title.startswith(text[:12]))
        marked = node.tag in _HEADING_TAGS or bool(_TITLE_MARK.search(node.attributes.get("class") or "")
                                                   or _TITLE_MARK.search(node.attributes.get("id") or ""))
        # A match with <title> wins over a marked heading; among equals, the one nearest the body.
        if matches_page_title or (marked and _TITLE_WORDS.search(text) and not best_matches_page_title):
            best, best_matches_page_title = node, matches_page_title
    return best


@dataclass(slots=True)
class _Span:
    """Text collected before the start node and from it to the end of the end node."""

    start: int
    end: int
    on: bool = False
    done: bool = False
    before: list[str] = field(default_factory=list)
    inside: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        (self.inside if self.on else self.before).append(text)


def _collect(node: Node, span: _Span, depth: int) -> None:
    # The depth cap keeps recursion bounded on hostile, deeply nested pages.
    child = node.child
    while child is not None and not span.done:
        if child.mem_id == span.start:
            span.on = True
        if child.tag == "-text":
            span.add((child.text_content or "").replace("\n", " "))
        elif depth < _MAX_DEPTH:
            block = child.tag in _BLOCK_TAGS
            span.add("\n" if block else "")
            _collect(child, span, depth + 1)
            span.add("\n" if block else " " if child.tag in _CELL_TAGS else "")
        else:
            span.add(child.text(separator=" "))
        if child.mem_id == span.end:
            span.done = True
        child = child.next


def _lines(parts: list[str]) -> list[str]:
    lines = []
    for line in "".join(parts).split("\n"):
        line = _INLINE_CONTROLS.sub("", line).strip()
        if line and not ("。" not in line and _FOOTER_LINE.search(line)):
            lines.append(line)
    return lines
