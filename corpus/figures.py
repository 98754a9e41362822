"""Figure statements of a report: every number with a unit, the indicator it measures and the clause saying it.

A figure is an Arabic number followed by a unit word (件, 名, %, 万元, 人次…), optionally with a
magnitude (万/亿) and an approximation (余/多/以上 after it, 近/超过/约 before it). Years, dates,
ordinals (第3次) and numbers inside names (《…62则》, “民营经济32条”) are not figures.

The indicator is the noun phrase the figure measures. Chinese states it on one of two sides:
"调解成功率99.78%" (indicator, then the figure) or "聘请15名特邀监督员" (verb, figure, then the
noun). The clause around the figure decides which: text after the unit up to the clause end is the
counted noun; otherwise the text before the number is the indicator. Table rows ingested as
"指标：败诉率；2023年：2.21%" name the indicator in their first cell and the period in the header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.patterns import CJK

# Unit words (量词) are a closed class of the language, longest first so 人次 wins over 人.
UNITS = ("个百分点", "平方米", "课时", "学时", "人次", "场次", "件次", "批次", "户次", "家次", "小时", "公里", "%",
         "个", "件", "名", "家", "次", "项", "份", "人", "场", "起", "条", "期", "篇", "批", "种", "户", "位",
         "支", "级", "大", "日", "天", "所", "处", "套", "台", "辆", "元", "册", "张", "本", "部", "类", "宗",
         "例", "笔", "座", "门", "轮", "堂", "则", "倍", "万", "亿")
_UNIT = "|".join(re.escape(u) for u in UNITS)
_FIGURE = re.compile(
    rf"(?P<before>近|超过|超|逾|约|将近|接近)?(?<![\d.A-Za-z\-·+/])(?P<number>\d+(?:\.\d+)?)(?![\d.])"
    rf"(?P<approx1>余|多)?(?P<magnitude>万|亿)?(?P<approx2>余|多)? ?(?P<unit>{_UNIT})?(?P<after>以上|左右)?")
# Clause and sentence boundaries of the canonical text.
_CLAUSE_END = "，,；;。！？!?\n"
_SENTENCE_END = "；;。！？!?\n"
# Words that link an indicator to its figure ("出庭率达到100%"); they are not part of the indicator.
_LINK = re.compile(r"(?:达到|达|为|是|共计|共有|共|累计|合计|总计|总数|约|仅|有|分别|计|了|已|均|实现|高达|多达"
                   r"|增至|提升至|提高到|提高至|下降到|下降至|降至|降低到|到|至|从|由|占比)+$")
_LEAD = re.compile(r"^(?:其中|并|且|同时|另|以及|及|和|与|共|累计|全年|先后|已|均|还|又|再|等)+")
# A long or numeric aside in brackets ("(含上期结转)") is not part of a name; "(街道)" is.
_PARENTHETICAL = re.compile(r"[(（](?:[^()（）]{5,30}|[^()（）]*\d[^()（）]*)[)）]")
_TRAILING_AND = re.compile(r"(?:和|及|与|以及|或)$")
# When a figure applies: dates, years, 目前, 今年以来 …
QUALIFIER = re.compile(
    r"(?:截至|截止到|截止|至|到)?(?:\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:底|末|初|全年|上半年|下半年|以来|计划)?"
    r"|\d{1,2}月\d{1,2}日|目前|今年以来|今年来|今年|年初以来|自[^，,。；]{1,12}以来)")
_TIME = re.compile(r"(?:截至|截止到|截止)?(?:\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:底|末|初|全年|上半年|下半年|以来)?"
                   r"|\d{1,2}月(?:\d{1,2}日)?(?:底|末|初)?|目前|今年以来|今年来|今年|年初以来|以来)")
_TABLE_CELL = re.compile(r"([^：；\n]+)：([^；\n]+)")
_CJK_CHAR = re.compile(f"[{CJK}]")


@dataclass(frozen=True, slots=True)
class FigureStatement:
    """One figure stated in a report's canonical text; start/end are the clause's offsets."""

    indicator: str
    value: float
    value_text: str  # the number as written ("9.55")
    unit: str  # "%", "件", "万元" …
    approx: bool  # 余/多/近/超过/以上…
    qualifier: str  # the period or date stated with it ("2023年", "截至目前"), or ""
    start: int
    end: int
    number_start: int  # offset of the number itself


def extract_figures(text: str) -> list[FigureStatement]:
    """Every figure statement of a report text, in text order."""
    out: list[FigureStatement] = []
    excluded = _excluded_spans(text)
    table_lines = {m.start(): m.end() for m in re.finditer(r"(?m)^[^：\n]{1,40}：[^\n]*；[^\n]*$", text)}
    for line_start, line_end in table_lines.items():
        out += _table_figures(text, line_start, line_end)
    covered = list(table_lines.items())
    matches = [m for m in _FIGURE.finditer(text) if _unit_of(m) and _is_quantity(text, m, _unit_of(m))
               and not any(s <= m.start("number") < e for s, e in [*covered, *excluded])]
    previous_end = -1
    for run in _runs(text, matches):
        clause_start, clause_end = _clause(text, run[0].start("number"))
        next_start = next((m.start() for m in matches if m.start() >= run[-1].end()), len(text))
        indicator = _indicator(text, run[0], run[-1], clause_start, min(clause_end, next_start),
                               max(previous_end, clause_start))
        if len(_CJK_CHAR.findall(indicator)) < 2 and out and out[-1].start == clause_start:
            indicator = out[-1].indicator  # "从21.15%下降到3.85%": the second figure has no words of its own
        previous_end = run[-1].end()
        if len(_CJK_CHAR.findall(indicator)) < 2:
            continue
        for match in run:
            start = match.start("number")
            approx = bool(match.group("before") or match.group("approx1") or match.group("approx2")
                          or match.group("after"))
            out.append(FigureStatement(indicator, float(match.group("number")), match.group("number"),
                                       _unit_of(match), approx, _qualifier(text, start), clause_start, clause_end,
                                       start))
    return sorted(out, key=lambda f: (f.number_start, f.start))


def _runs(text: str, matches: list[re.Match[str]]) -> list[list[re.Match[str]]]:
    """Figures written back to back ("5批73人次") measure one thing: they share an indicator."""
    runs: list[list[re.Match[str]]] = []
    for match in matches:
        if runs and not text[runs[-1][-1].end():match.start()].strip():
            runs[-1].append(match)
        else:
            runs.append([match])
    return runs


def _unit_of(match: re.Match[str]) -> str:
    magnitude = match.group("magnitude") or ""
    unit = match.group("unit") or ""
    if unit in ("万", "亿") and magnitude:
        return ""
    return magnitude + unit


def _is_quantity(text: str, match: re.Match[str], unit: str) -> bool:
    """False for ordinals, dates, durations and numbers that are part of a name."""
    start, end = match.start("number"), match.end()
    before = text[max(0, start - 1):start]
    after = text[end:end + 1]
    if before == "第" or after in ("月", "年", "号", "周"):
        return False
    if after == "”" and before != "“":  # the end of a quoted name such as “民营经济32条”
        return False
    if unit.endswith("日") and re.search(r"月$", text[max(0, start - 3):start]):
        return False
    if unit == "个" and after == "月":
        return False
    return not (unit in ("万", "亿") and not _CJK_CHAR.match(after or "，") and after not in "，,。；;、)）")


def _excluded_spans(text: str) -> list[tuple[int, int]]:
    """Titles in 《》: a number there is part of the title."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"《[^》\n]{0,60}》", text)]
    return spans


def _clause(text: str, position: int) -> tuple[int, int]:
    start = max(text.rfind(ch, 0, position) for ch in _CLAUSE_END) + 1
    ends = [i for i in (text.find(ch, position) for ch in _CLAUSE_END) if i >= 0]
    end = min(ends) if ends else len(text)
    while start < end and text[start].isspace():
        start += 1
    return start, end


def _indicator(text: str, first: re.Match[str], last: re.Match[str], clause_start: int, right_end: int,
               segment_floor: int) -> str:
    """The noun phrase the figures measure (see the module docstring)."""
    number_start = first.start("before") if first.group("before") else first.start("number")
    left = _PARENTHETICAL.sub("", text[max(segment_floor, clause_start):number_start])
    opened = max(left.rfind("("), left.rfind("（"))
    closed = max(left.rfind(")"), left.rfind("）"))
    cut = max(left.rfind("、"), opened if opened > closed else -1)
    left = _clean_left(left[cut + 1:])
    right = _PARENTHETICAL.sub("", text[last.end():right_end])
    right = re.split("、", right.lstrip("”\""), maxsplit=1)[0]
    right = _LINK.sub("", _before_unopened_paren(right)).strip()
    right = right if re.match(f"[{CJK}A-Za-z0-9“]", right) else ""
    return (left + right).strip()


def _before_unopened_paren(text: str) -> str:
    """The text up to a closing bracket it never opened (the end of an aside the figure stood in)."""
    depth = 0
    for i, ch in enumerate(text):
        depth += ch in "(（"
        if ch in ")）":
            if depth == 0:
                return text[:i]
            depth -= 1
    return text


def _clean_left(left: str) -> str:
    left = _TIME.sub("", left)
    left = _LINK.sub("", left.strip())
    left = _TRAILING_AND.sub("", _LEAD.sub("", left))
    return left.strip(" ：:“”\"")


def _qualifier(text: str, position: int) -> str:
    """The last period or date stated in the sentence before the figure."""
    sentence_start = max(text.rfind(ch, 0, position) for ch in _SENTENCE_END) + 1
    found = [m.group(0) for m in QUALIFIER.finditer(text, sentence_start, position) if m.group(0)]
    return found[-1] if found else ""


def _table_figures(text: str, line_start: int, line_end: int) -> list[FigureStatement]:
    """Figures of a table row "指标：败诉率；2023年：2.21%": indicator from the label cell, period from the header."""
    cells = list(_TABLE_CELL.finditer(text, line_start, line_end))
    label = next((c.group(2).strip() for c in cells if not _is_figure_cell(c.group(2).strip())), "")
    out: list[FigureStatement] = []
    for cell in cells:
        name, value = cell.group(1).strip(), cell.group(2).strip()
        figure = _FIGURE.fullmatch(value)
        if figure is None or not _unit_of(figure):
            continue
        is_period = bool(_TIME.fullmatch(name))
        indicator = label if is_period else name
        if len(_CJK_CHAR.findall(indicator)) < 2:
            continue
        approx = bool(figure.group("before") or figure.group("approx1") or figure.group("approx2")
                      or figure.group("after"))
        out.append(FigureStatement(indicator, float(figure.group("number")), figure.group("number"), _unit_of(figure),
                                   approx, name if is_period else "", line_start, line_end,
                                   cell.start(2) + figure.start("number")))
    return out


def _is_figure_cell(value: str) -> bool:
    figure = _FIGURE.fullmatch(value)
    return figure is not None and bool(_unit_of(figure))
