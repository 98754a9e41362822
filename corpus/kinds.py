"""Section kinds of the genre, and the words that name them in headings and in questions (defined once)."""

from __future__ import annotations

import re
from enum import StrEnum


class SectionKind(StrEnum):
    """What a part of an annual report is about."""

    MEASURES = "举措成效"
    PROBLEMS = "存在问题"
    PLANS = "工作安排"
    LEADER_DUTY = "第一责任人履职"
    OTHER = "其他"


# A heading's kind: the first rule that matches it, in this order.
HEADING_CUES: tuple[tuple[SectionKind, re.Pattern[str]], ...] = (
    (SectionKind.LEADER_DUTY, re.compile(r"第一责任人|主要负责人履行|述法")),
    (SectionKind.PROBLEMS, re.compile(r"问题|不足|短板|差距|薄弱")),
    (SectionKind.PLANS, re.compile(r"安排|计划|思路|打算|下一步|展望|谋划|工作要点|重点工作|努力方向")),
    (SectionKind.MEASURES, re.compile(r"举措|成效|成绩|做法|主要工作|工作情况|进展|亮点|落实情况")),
)

# A question asks for a part of a report by these words (存在哪些问题, 下一步怎么干, 第一责任人…); a topic
# that merely contains such a word (“两难”问题三级联动) does not.
QUESTION_CUES: tuple[tuple[SectionKind, re.Pattern[str]], ...] = (
    (SectionKind.PROBLEMS, re.compile(r"存在.{0,6}(问题|不足|短板|差距)|"
                                      r"(哪些|什么|有何|主要)(问题|不足|短板|差距|薄弱|困难)|"
                                      r"问题(和|与|及|、)?(不足|短板)|不足(和|与|及|、|之处)|短板|差距|薄弱环节|欠缺|"
                                      r"^\W*(问题|不足)\W*$|(问题|不足)那?(部分|一节|章节|这块|那块)")),
    (SectionKind.PLANS, re.compile(r"下一?步|明年|今后|下一年|来年|(未来|后续).{0,4}(计划|打算|安排)|"
                                   r"(工作|有何|有什么|哪些|什么|主要)(安排|计划|打算|思路|要点)|怎么干|展望|"
                                   r"(计划|打算|准备)(怎么|如何|做什么|干什么)|(计划|安排|打算)那?(部分|一节|章节|这块|那块)")),
    (SectionKind.LEADER_DUTY, re.compile(r"第一责任人|主要负责人(履行|履职)")),
)
# Words that only name the part asked for; dropped from the topic when a part is asked for.
KIND_WORDS = frozenset((
    "存在", "问题", "不足", "短板", "差距", "薄弱", "欠缺", "之处", "下一步", "明年", "今后", "来年", "未来", "后续",
    "计划", "打算", "安排", "思路", "展望", "要点", "怎么干", "第一责任人", "履职", "履行", "职责", "主要", "工作",
    "工作计划", "工作安排", "法治政府建设", "推进", "一步", "下步", "一年", "重点", "困难", "部分", "章节",
))


def heading_kind(heading: str) -> SectionKind | None:
    """The kind a heading names, if any."""
    return next((kind for kind, cue in HEADING_CUES if cue.search(heading)), None)
