"""The section tree of a report: 一、 / (一) / 1. / (1) headings and 一是…二是… items, with kinds."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from corpus.kinds import heading_kind
from corpus.types import Section

CN_DIGITS = "一二三四五六七八九十"
_HEADING_LEVELS = (
    (1, re.compile(rf"[{CN_DIGITS}]{{1,3}}、")),
    (2, re.compile(rf"[(（][{CN_DIGITS}]{{1,3}}[)）]")),
    (3, re.compile(r"\d{1,2}(?:[、．]|\.(?!\d))")),
    (4, re.compile(r"[(（]\d{1,2}[)）]")),
)
HEADING_PATTERN = re.compile("|".join(f"(?:{p.pattern})" for _, p in _HEADING_LEVELS))
ITEM_LEVEL = 5
# 一是…二是…: an item marker starts a paragraph or follows a clause boundary (so 统一是 is no marker).
_ITEM_MARKER = re.compile(rf"(?:(?<=^)|(?<=\n)|(?<=[。；;：:，,！？!?]))([{CN_DIGITS}]{{1,3}})是")
_HEADING_END = re.compile(r"[。；;！？!?:：]")
_ITEM_LABEL_END = re.compile(r"[。；;，,：:！？!?\n]")
_SIGNATURE_LINE = re.compile(
    r"^(?:\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{1,2}-\d{1,2}|[^\s，,。；;]{2,30}"
    r"(?:局|委|委员会|政府|办公室|办|院|厅|中心|部|所|会))$"
)

def chinese_number(text: str) -> int:
    """Value of a small Chinese numeral (一 to 九十九)."""
    if "十" not in text:
        return CN_DIGITS.index(text) + 1 if len(text) == 1 and text in CN_DIGITS else 0
    tens, _, units = text.partition("十")
    value = (CN_DIGITS.index(tens) + 1 if tens else 1) * 10
    return value + (CN_DIGITS.index(units) + 1 if units else 0)


@dataclass(slots=True)
class _Node:
    level: int
    marker: str
    heading: str
    start: int
    end: int
    parent: int | None


def split_sections(text: str) -> tuple[Section, ...]:
    """Parse the heading tree of a canonical text; section 0 is the whole report."""
    body_end = signature_start(text)
    nodes = [_Node(0, "", "", 0, len(text), None)]
    stack = [0]
    offset = 0
    for line in text.split("\n"):
        found = _match_heading(line)
        if found and offset < body_end:
            level, marker = found
            while nodes[stack[-1]].level >= level:
                nodes[stack.pop()].end = _trim_end(text, offset)
            nodes.append(_Node(level, marker, _heading_text(line[len(marker):]), offset, body_end, stack[-1]))
            stack.append(len(nodes) - 1)
        offset += len(line) + 1
    for index in stack[1:]:
        nodes[index].end = _trim_end(text, min(nodes[index].end, body_end))
    _add_items(text, nodes)
    nodes = _in_document_order(nodes)
    return _to_sections(nodes)


def _match_heading(line: str) -> tuple[int, str] | None:
    for level, pattern in _HEADING_LEVELS:
        match = pattern.match(line)
        if match and len(line) > match.end():
            return level, match.group(0)
    return None


def _heading_text(rest: str) -> str:
    match = _HEADING_END.search(rest)
    heading = rest[: match.start()] if match else rest
    return heading.strip()


def _trim_end(text: str, end: int) -> int:
    while end > 0 and text[end - 1] in "\n ":
        end -= 1
    return end


def signature_start(text: str) -> int:
    """Start of the closing block of issuing bodies and dates, or len(text) if there is none."""
    lines = text.split("\n")
    start = len(text)
    for line in reversed(lines[1:]):
        if not _SIGNATURE_LINE.match(line):
            break
        start -= len(line) + 1
    return max(start, 0) if start < len(text) else len(text)


def _add_items(text: str, nodes: list[_Node]) -> None:
    """Add 一是/二是 enumerations inside each section's own text as the finest level."""
    first_child: dict[int, int] = {}
    for child in nodes:
        if child.parent is not None:
            first_child[child.parent] = min(first_child.get(child.parent, child.start), child.start)
    for index in range(len(nodes)):
        node = nodes[index]
        own_end = first_child.get(index, node.end)
        own_start = node.start + len(node.marker)
        items = _enumeration(text, own_start, own_end)
        for number, (start, end) in enumerate(items):
            label_end = _ITEM_LABEL_END.search(text, start, end)
            label = text[start: label_end.start() if label_end else min(end, start + 24)]
            marker = CN_DIGITS[number] + "是" if number < 10 else label[:3]
            nodes.append(_Node(ITEM_LEVEL, marker, label[len(marker):][:30], start, end, index))


def _enumeration(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of a 一是…二是… sequence between start and end (at least two items)."""
    found: list[int] = []
    for match in _ITEM_MARKER.finditer(text, start, end):
        number = chinese_number(match.group(1))
        if (number == 1 and not found) or (found and number == len(found) + 1):
            found.append(match.start())
    if len(found) < 2:
        return []
    spans = []
    for i, item_start in enumerate(found):
        if i + 1 < len(found):
            item_end = found[i + 1]
        elif item_start == start or text[item_start - 1] == "\n":
            item_end = end  # an item that opens a paragraph runs to the end of the section
        else:
            newline = text.find("\n", item_start, end)
            item_end = newline if newline != -1 else end
        spans.append((item_start, _trim_end(text, item_end)))
    return spans


def _in_document_order(nodes: list[_Node]) -> list[_Node]:
    order = sorted(range(len(nodes)), key=lambda i: (nodes[i].start, nodes[i].level))
    position = {old: new for new, old in enumerate(order)}
    reordered = []
    for old in order:
        parent = nodes[old].parent
        reordered.append(replace(nodes[old], parent=None if parent is None else position[parent]))
    return reordered


def _to_sections(nodes: list[_Node]) -> tuple[Section, ...]:
    sections: list[Section] = []
    first_plan_or_problem = min(
        (n.start for n in nodes if n.level == 1 and _rule_kind(n.heading) in ("存在问题", "工作安排")),
        default=None,
    )
    for index, node in enumerate(nodes):
        parent = sections[node.parent] if node.parent is not None else None
        label = f"{node.marker}{node.heading}"
        labels = (*parent.labels, label) if parent is not None else ()
        kind = _kind(node, parent, first_plan_or_problem)
        sections.append(Section(index, node.parent, node.level, node.marker, node.heading, labels, kind,
                                node.start, node.end))
    return tuple(sections)


def _rule_kind(heading: str) -> str | None:
    kind = heading_kind(heading)
    return kind.value if kind else None


def _kind(node: _Node, parent: Section | None, first_plan_or_problem: int | None) -> str:
    if parent is None:
        return "其他"
    if parent.level > 0:
        own = _rule_kind(node.heading)
        # A leader's-duty point inside the measures is a 第一责任人履职 passage in its own right.
        return "第一责任人履职" if own == "第一责任人履职" and parent.kind == "举措成效" else parent.kind
    own = _rule_kind(node.heading)
    if own is not None:
        return own
    # Reports put measures first: an unlabelled top section before the problems is a measure.
    if first_plan_or_problem is None or node.start < first_plan_or_problem:
        return "举措成效"
    return "其他"


_CLOSING = "。；;：:！!？?，, "


def is_heading_only(text: str, start: int, end: int, sections: Sequence[Section]) -> bool:
    """True when a sentence is only the heading or item label of a section with a body (二是做实行政争议化解。)."""
    label = text.strip().rstrip(_CLOSING)
    lead = len(text) - len(text.lstrip())
    return any(s.level > 0 and s.start == start + lead and s.end > end and label == s.marker + s.heading
               for s in sections)
