"""The 报告库 tab: the reports in the index now, their outline, upload and (confirmed) removal.

Every list of reports on the page (this table and dropdown, the chat's region and year filters) is
read from the index on each page load and after each change, never kept from the server's start.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ui.chat_tab import ChatTab, filter_choices
from ui.service import AssistantService
from ui.zh import skip_reason

HEADERS = ["文件", "标题", "地区", "年度", "发布机构", "发布日期"]


@dataclass(frozen=True)
class CorpusTab:
    """The components of the tab that list the reports."""

    table: Any
    pick: Any


def corpus_rows(service: AssistantService) -> list[list[Any]]:
    """One table row per indexed report."""
    return [[r.source, r.meta.title, r.meta.region, r.meta.year, r.meta.issuing_body, r.meta.publish_date]
            for r in service.reports()]


def report_lists(service: AssistantService, regions: list[str] | None, years: list[str] | None) -> tuple[Any, ...]:
    """Table rows, report choices and the filters' choices as the index holds them; chosen filters kept if present."""
    import gradio as gr

    region_choices, year_choices = filter_choices(service)
    return (corpus_rows(service), gr.update(choices=[r.source for r in service.reports()], value=None),
            gr.update(choices=region_choices, value=[r for r in regions or [] if r in region_choices]),
            gr.update(choices=year_choices, value=[y for y in years or [] if y in year_choices]))


def build_corpus_tab(gr: Any, service: AssistantService, chat: ChatTab) -> CorpusTab:
    """Components and handlers of the tab."""
    table = gr.Dataframe(corpus_rows(service), headers=HEADERS, interactive=False, elem_id="corpus-table")
    pending = gr.State(None)  # the report whose removal awaits confirmation
    with gr.Row():
        pick = gr.Dropdown([r.source for r in service.reports()], label="报告", scale=3, elem_id="corpus-pick")
        remove = gr.Button("移除该报告", variant="stop", scale=1, elem_id="remove-report")
    with gr.Row(visible=False, elem_id="remove-confirm") as confirm_row:
        confirm_text = gr.Markdown()
        confirm = gr.Button("确认移除", variant="stop", elem_id="remove-yes")
        cancel = gr.Button("取消", elem_id="remove-no")
    outline = gr.Markdown()
    upload = gr.File(label="上传报告（txt、md、html、docx、pdf，扫描件 png、jpg、tif）", file_count="multiple",
                     elem_id="upload")
    add = gr.Button("加入报告库并更新索引", variant="primary", elem_id="add-reports")
    status = gr.Markdown(elem_id="corpus-status")
    lists = [table, pick, chat.region, chat.year]

    def show(source: str | None) -> str:
        report = service.report(source) if source else None
        if report is None:
            return ""
        lines = [f"**{html.escape(report.meta.title)}**", ""]
        lines += [f"{'  ' * (s.level - 1)}- {html.escape(s.marker + s.heading)} 〔{s.kind}〕"
                  for s in report.sections if 0 < s.level <= 2]
        return "\n".join(lines)

    progress_tracker = gr.Progress()  # Gradio injects progress through the default below

    def add_files(paths: list[Any] | None, regions: list[str], years: list[str],
                  progress: Any = progress_tracker) -> tuple[Any, ...]:
        if not paths:
            return *report_lists(service, regions, years), "请先选择文件。"
        progress(0, desc="解析与索引中…")
        files = [(_original_name(p), Path(_path_of(p))) for p in paths]
        summary, problems = service.add_files(
            files, progress=lambda stage, done, total: progress(done / max(total, 1), desc=f"{stage} {done}/{total}"))
        lines = [f"报告库共 {summary.reports} 份报告；新增 {len(summary.added)}，更新 {len(summary.changed)}。"]
        lines += [f"- ⚠ {html.escape(Path(s.path).name)}：{skip_reason(s.reason)}" for s in summary.skipped]
        lines += [f"- ⚠ {html.escape(Path(w.path).name)}{f' 第 {w.page} 页' if w.page else ''}：{skip_reason(w.reason)}"
                  for w in summary.warnings]
        lines += [f"- ⚠ {html.escape(p)}" for p in problems]
        return *report_lists(service, regions, years), "\n".join(lines)

    def ask_to_confirm(source: str | None) -> tuple[Any, ...]:
        if not source:
            return None, gr.update(visible=False), "", "请先选择报告。"
        return source, gr.update(visible=True), f"确定从报告库中移除 **{html.escape(source)}** 吗？", ""

    def remove_report(source: str | None, regions: list[str], years: list[str]) -> tuple[Any, ...]:
        if not source:
            return *report_lists(service, regions, years), gr.update(visible=False), None, "请先选择报告。"
        summary = service.remove(source)
        return (*report_lists(service, regions, years), gr.update(visible=False), None,
                f"已移除 {html.escape(source)}；报告库共 {summary.reports} 份报告。")

    pick.change(show, [pick], [outline], api_name=False)
    add.click(add_files, [upload, chat.region, chat.year], [*lists, status], api_name=False)
    remove.click(ask_to_confirm, [pick], [pending, confirm_row, confirm_text, status], api_name=False)
    confirm.click(remove_report, [pending, chat.region, chat.year], [*lists, confirm_row, pending, status],
                  api_name=False)
    cancel.click(lambda: (gr.update(visible=False), None, "已取消移除。"), None, [confirm_row, pending, status],
                 api_name=False)
    return CorpusTab(table, pick)


def _path_of(item: Any) -> str:
    return str(getattr(item, "path", None) or getattr(item, "name", None) or item)


def _original_name(item: Any) -> str:
    return Path(getattr(item, "orig_name", None) or _path_of(item)).name
