"""Canonical text: web-portal furniture removed, white space normalised, every body sentence kept."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

# Portal header rows: "key:value" pairs whose values become metadata.
_HEADER_KEYS = (
    "公文生成日期", "成文日期", "发布日期", "发布时间", "时间", "日期",
    "浏览次数", "访问次数", "阅读次数", "点击次数", "点击数", "点击量", "浏览量",
    "信息来源", "来源", "发布机构", "发文机关", "索引号", "备注/文号", "文号", "发文字号",
    "主题分类", "体裁分类", "作者", "字号", "责任编辑",
)
_KEY_PATTERN = "|".join(r"\s*".join(map(re.escape, key)) for key in _HEADER_KEYS)
_KEY_VALUE = re.compile(rf"(?P<key>{_KEY_PATTERN})\s*[:：]\s*(?P<value>.*?)\s*(?=(?:{_KEY_PATTERN})\s*[:：]|$)")
# Header rows worth keeping in the report text, so answers about who issued a report, its document
# number and date can quote them; the rest (view counters, index numbers, categories) is furniture.
_IDENTITY_KEYS = frozenset(("备注/文号", "文号", "发文字号", "发布机构", "发文机关", "信息来源", "来源", "发布日期",
                            "发布时间", "成文日期"))
IDENTITY_LINE = re.compile(rf"^(?:{'|'.join(map(re.escape, sorted(_IDENTITY_KEYS, key=len, reverse=True)))})\s*[:：]")
_DATETIME = re.compile(r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_BULLETS = "•·●◆■□▪-*|> "

# Whole lines that are page furniture, never report text.
_FURNITURE_LINES = re.compile(
    r"^(?:扫一扫在手机上查看当前页面|扫一扫在手机打开当前页|附件下载|附件[:：]?|相关解读|文字解读|图片解读|视频解读|"
    r"访谈解读|媒体报道|相关链接|打印本页|打印|关闭窗口|关闭|分享到[:：]?.*|【?字体[:：]?\s*[大中小\s]+】?|"
    r"\[?\s*(?:打印|关闭|返回顶部)\s*\]?|返回顶部|上一篇.*|下一篇.*|当前位置[:：].*|首页\s*>.*)$"
)
_IMAGE_STUB = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_SPACES = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u2009\u200a]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_HEADER_ZONE = 12  # header rows live in the first short lines of a page
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class CleanedText:
    """Canonical text plus the header fields removed from it."""

    text: str
    header_fields: dict[str, str] = field(default_factory=dict)
    header_dates: tuple[str, ...] = ()
    page_starts: tuple[int, ...] = ()  # the raw page starts given, as offsets into `text`
    identity_lines: tuple[str, ...] = ()  # header rows kept in the text (文号, 发布机构, 来源, 日期)


@dataclass(frozen=True, slots=True)
class _KeptLine:
    raw_start: int
    raw: str
    start: int  # offset in the canonical text
    text: str


def clean_text(raw: str, page_starts: Sequence[int] = ()) -> CleanedText:
    """Remove portal furniture and normalise white space; header values are returned as fields.

    `page_starts` are offsets into `raw`; they come back moved onto the canonical text.
    """
    fields: dict[str, str] = {}
    dates: list[str] = []
    kept: list[_KeptLine] = []
    line_starts: list[int] = []
    identity: list[str] = []
    in_header = True  # header rows come before the first paragraph of body text
    position = body_lines = 0
    for raw_start, raw_line in _raw_lines(raw):
        line_starts.append(raw_start)
        line = _IMAGE_STUB.sub("", _normalise_line(raw_line.translate(_INVISIBLE))).strip()
        if not line.strip(_BULLETS) or _FURNITURE_LINES.match(line):
            kept.append(_KeptLine(raw_start, raw_line, position, ""))
            continue
        if in_header and _is_header_row(line, fields, dates):
            pairs = _identity_pairs(line)
            identity += pairs
            kept.append(_KeptLine(raw_start, raw_line, position, "\n".join(pairs)))
            position += len(kept[-1].text) + 1 if pairs else 0
            continue
        kept.append(_KeptLine(raw_start, raw_line, position, line))
        position += len(line) + 1
        body_lines += 1
        in_header = in_header and body_lines < _HEADER_ZONE and len(line) < 60 and "。" not in line
    text = "\n".join(k.text for k in kept if k.text)
    starts = tuple(_moved(offset, kept, line_starts, len(text)) for offset in page_starts)
    return CleanedText(text, fields, tuple(dates), starts, tuple(identity))


def _raw_lines(raw: str) -> list[tuple[int, str]]:
    lines, start = [], 0
    for match in _LINE_BREAK.finditer(raw):
        lines.append((start, raw[start:match.start()]))
        start = match.end()
    lines.append((start, raw[start:]))
    return lines


def _moved(offset: int, kept: list[_KeptLine], line_starts: list[int], length: int) -> int:
    """A raw offset as a canonical one: the same visible character, or the next kept line if its own was dropped."""
    index = max(bisect_right(line_starts, offset) - 1, 0)
    line = kept[index]
    if not line.text:
        following = next((k for k in kept[index:] if k.text), None)
        return following.start if following else length
    visible = sum(1 for ch in line.raw[:offset - line.raw_start] if _is_visible(ch))
    column = 0
    while column < len(line.text) and (visible or not _is_visible(line.text[column])):
        visible -= _is_visible(line.text[column])
        column += 1
    return line.start + column


def _is_visible(ch: str) -> bool:
    return not ch.isspace() and ord(ch) not in _INVISIBLE and unicodedata.category(ch) != "Cc"


def _normalise_line(line: str) -> str:
    line = "".join(ch for ch in line if unicodedata.category(ch) != "Cc" or ch == "\t")
    return _SPACES.sub(" ", line).strip()


def _identity_pairs(line: str) -> list[str]:
    """The key:value pairs of a header row that say who issued the report, its number or its date."""
    out = []
    for match in _KEY_VALUE.finditer(line.strip(_BULLETS)):
        key = re.sub(r"\s+", "", match.group("key"))
        if key in _IDENTITY_KEYS and match.group("value").strip(_BULLETS + " "):
            out.append(match.group(0).strip(_BULLETS + " "))
    return out


def is_header_row(line: str) -> bool:
    """Whether a line is a portal header row: key:value pairs (发布机构：…, 索引号：…) and time stamps only."""
    return _is_header_row(line, {}, [])


def _is_header_row(line: str, fields: dict[str, str], dates: list[str]) -> bool:
    """A short line made only of key:value pairs and time stamps; its values go to `fields`."""
    if len(line) > 160:
        return False
    stripped = line.strip(_BULLETS)
    pairs = list(_KEY_VALUE.finditer(stripped))
    stamps = _DATETIME.findall(stripped)
    residue = _KEY_VALUE.sub("", stripped)
    residue = _DATETIME.sub("", residue).strip(_BULLETS + " ")
    if residue or not (pairs or (stamps and len(stripped) < 25)):
        return False
    for match in pairs:
        key = re.sub(r"\s+", "", match.group("key"))
        value = match.group("value").strip(_BULLETS + " ")
        if value and key not in fields:
            fields[key] = value
    dates.extend(stamps)
    return True
