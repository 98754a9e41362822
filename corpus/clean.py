"""Canonical text: web-portal furniture removed, white space normalised, every body sentence kept."""

from __future__ import annotations

import re
import unicodedata
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


@dataclass(frozen=True, slots=True)
class CleanedText:
    """Canonical text plus the header fields removed from it."""

    text: str
    header_fields: dict[str, str] = field(default_factory=dict)
    header_dates: tuple[str, ...] = ()
    identity_lines: tuple[str, ...] = ()  # header rows kept in the text (文号, 发布机构, 来源, 日期)


def clean_text(raw: str) -> CleanedText:
    """Remove portal furniture and normalise white space; header values are returned as fields."""
    fields: dict[str, str] = {}
    dates: list[str] = []
    lines: list[str] = []
    identity: list[str] = []
    in_header = True  # header rows come before the first paragraph of body text
    raw = raw.translate(_INVISIBLE).replace("\r\n", "\n").replace("\r", "\n")
    for line in map(_normalise_line, raw.split("\n")):
        line = _IMAGE_STUB.sub("", line).strip()
        if not line.strip(_BULLETS):
            continue
        if _FURNITURE_LINES.match(line):
            continue
        if in_header and _is_header_row(line, fields, dates):
            kept = _identity_pairs(line)
            identity += kept
            lines += kept
            continue
        lines.append(line)
        in_header = in_header and len(lines) < _HEADER_ZONE and len(line) < 60 and "。" not in line
    return CleanedText("\n".join(lines), fields, tuple(dates), tuple(identity))


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
