"""Chinese names for what the web app shows: metrics, question types, file problems, filters."""

from __future__ import annotations

import re

from retriever.analysis import Filters

METRIC_LABELS = {
    "evidence_recall_at_k": "证据召回率（前{k}条）", "mrr": "首条证据排名倒数均值", "fact_accuracy": "事实准确率",
    "citation_validity": "引用有效率", "citation_recall": "引用召回率", "wrong_source_citations": "错引来源数",
    "abstention_accuracy": "拒答准确率", "latency_p50_ms": "耗时中位数（毫秒）", "latency_p95_ms": "耗时95分位（毫秒）",
}
QUESTION_TYPE_LABELS = {
    "list": "列举", "numeric": "数字", "factoid": "事实", "section": "章节", "compare": "比较", "wording": "原文表述",
    "followup": "追问", "filter": "按条件筛选", "unanswerable": "无法回答",
}
# Reasons the corpus layer gives for a skipped file (English, shared with the command line), by their start.
_SKIP_REASONS = (
    ("no such file or folder", "文件或文件夹不存在"),
    ("another report has the same file name", "已有同名报告"),
    ("unsupported file type", "不支持的文件类型（支持 txt、md、html、docx、pdf）"),
    ("cannot read file", "无法读取文件"),
    ("empty file", "空文件"),
    ("file is ", "文件超过大小上限"),
    ("binary file", "二进制文件，不是文本"),
    ("binary or undecodable file", "二进制文件或无法识别的文字编码"),
    ("corrupt or hostile .docx", "损坏或异常的 docx 文件（解压后过大）"),
    ("corrupt .docx", "损坏的 docx 文件，无法打开"),
    ("corrupt PDF", "损坏的 PDF 文件，无法打开"),
    ("PDF has no text layer", "PDF 没有文字层（可能是扫描件），请先做文字识别"),
    ("no report text after cleaning", "清理后没有报告正文（文件只含网页栏目等内容）"),
    ("invalid metadata sidecar", "元数据文件（.meta.json 或 .yaml）有误"),
    ("not a regular file (broken", "失效或循环的符号链接"),
    ("symbolic link to a file outside", "指向文件夹之外的符号链接"),
    ("hidden file", "隐藏文件（文件名以点开头）"),
    ("not a regular file", "不是普通文件"),
    ("file name contains control characters", "文件名含控制字符"),
)
_GOLD_LINE = re.compile(r"^.*?:(\d+): (.*)$")


def metric_label(key: str, k: int = 5) -> str:
    """The Chinese name of an evaluation metric."""
    return METRIC_LABELS.get(key, key).format(k=k)


def question_type_label(kind: str) -> str:
    """The Chinese name of a gold question type."""
    return QUESTION_TYPE_LABELS.get(kind, kind)


def skip_reason(reason: str) -> str:
    """Why a file was not ingested, in Chinese."""
    lowered = reason.lower()
    for start, chinese in _SKIP_REASONS:
        if lowered.startswith(start.lower()):
            return chinese
    return "无法读取该文件"


def gold_problems(message: str) -> list[str]:
    """The problems `load_gold` reports, one Chinese line each, with the line number of the file."""
    out = []
    for problem in message.splitlines()[1:] or [message]:
        found = _GOLD_LINE.match(problem)
        number, detail = (found.group(1), found.group(2)) if found else ("?", problem)
        if "unknown report" in detail:
            text = "证据所在的报告不在报告库中：" + detail.rsplit(" ", 1)[-1]
        elif "evidence not in" in detail:
            text = "证据句不在所注明的报告中：" + detail.split(": ", 2)[-1]
        elif "validation error" in detail:
            text = "字段缺失或类型不符（每行须有 id 和 question）"
        else:
            text = "不是有效的 JSON 行"
        out.append(f"第{number}行：{text}")
    return out


def filters_note(filters: Filters) -> str:
    """What the UI's filters restricted, such as （已按筛选条件：地区=西湖区 检索）; empty without filters."""
    parts = [f"{name}={'、'.join(map(str, values))}" for name, values in
             (("地区", filters.regions), ("年度", filters.years), ("章节类型", filters.kinds)) if values]
    return f"（已按筛选条件：{'；'.join(parts)} 检索）" if parts else ""
