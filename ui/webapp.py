"""The Gradio web app: chat for officials, precedent wording for drafters, corpus, evaluation."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from answer.types import Answer
from answer.wording import WordingHit, find_wording, wording_docx, wording_markdown
from corpus.types import SECTION_KINDS
from retriever.analysis import Filters
from ui.service import RATINGS, AssistantService
from ui.web_render import answer_markdown, sources_html

EXAMPLES = ["哪些县设立了行政争议调解中心？", "西湖区2024年行政复议收案多少件？纠错率是多少？",
            "诸暨市法治政府建设存在哪些问题？", "比较南安市和伊春市的人民调解成功率。",
            "如何表述“行政争议实质性化解”方面的工作？"]
CSS = """
.source-card{border:1px solid #ddd;border-radius:6px;padding:8px;margin:6px 0}
.source-card:target{border-color:#e8590c;box-shadow:0 0 0 3px #ffd8a8}
.source-meta{color:#666;font-size:90%}.source-passage{margin:6px 0;line-height:1.7}
mark{background:#ffe066}
"""


def build_app(service: AssistantService) -> Any:
    """The Blocks of the whole web app."""
    import gradio as gr

    with gr.Blocks(title="reportqa · 法治政府建设报告问答", analytics_enabled=False) as app:
        gr.Markdown("## reportqa · 法治政府建设年度报告检索问答")
        with gr.Tab("问答", id="chat"):
            _chat_tab(gr, service)
        with gr.Tab("原文表述", id="wording"):
            _wording_tab(gr, service)
        with gr.Tab("报告库", id="corpus"):
            _corpus_tab(gr, service)
        with gr.Tab("评测", id="evaluate"):
            _evaluate_tab(gr, service)
        def ask(question: str, history: str = "[]") -> dict[str, Any]:
            """Answer a question; history is a JSON list of earlier user turns. Returns the answer JSON."""
            return _api_ask(service, question, history)

        gr.api(ask, api_name="ask")
    return app


def _api_ask(service: AssistantService, question: str, history: str = "[]") -> dict[str, Any]:
    """Gradio API endpoint /ask: question and JSON history of earlier user turns -> the answer JSON."""
    turns = json.loads(history or "[]")
    return service.ask(question, [t["content"] if isinstance(t, dict) else str(t) for t in turns]).to_json()


def _filters(regions: list[str] | None, years: list[str] | None, kinds: list[str] | None) -> Filters:
    return Filters(regions=tuple(regions or ()), years=tuple(int(y) for y in years or ()), kinds=tuple(kinds or ()))


def _report_texts(service: AssistantService, answer: Answer) -> dict[str, str]:
    texts = {}
    for citation in answer.citations:
        report = service.report(citation.source)
        if report is not None:
            texts[citation.source] = report.text
    return texts


def _chat_tab(gr: Any, service: AssistantService) -> None:
    reports = service.reports()
    regions = sorted({r.meta.region for r in reports if r.meta.region})
    years = sorted({str(r.meta.year) for r in reports if r.meta.year})
    last_answer = gr.State(None)
    asked = gr.State([])
    with gr.Row():
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(label="对话", height=480, buttons=["copy", "copy_all"], sanitize_html=True,
                                 elem_id="chatbot")
            question = gr.Textbox(label="问题", placeholder="例如：哪些县设立了行政争议调解中心？", elem_id="question")
            with gr.Row():
                send = gr.Button("提问", variant="primary", elem_id="send")
                clear = gr.Button("清空对话", elem_id="clear")
            gr.Examples(EXAMPLES, inputs=[question], label="示例问题")
            with gr.Accordion("筛选", open=False):
                region = gr.Dropdown(regions, multiselect=True, label="地区")
                year = gr.Dropdown(years, multiselect=True, label="年度")
                kind = gr.Dropdown(list(SECTION_KINDS), multiselect=True, label="章节类型")
            with gr.Accordion("评价这条回答", open=False):
                rating = gr.Radio(list(RATINGS), label="评价")
                comment = gr.Textbox(label="意见", lines=2)
                rate = gr.Button("保存评价", elem_id="rate")
                rated = gr.Markdown()
        with gr.Column(scale=2):
            gr.Markdown("### 来源")
            sources = gr.HTML(sources_html(None, {}), elem_id="sources")

    def respond(message: str, chat: list[dict[str, str]], history: list[str], regions_: list[str],
                years_: list[str], kinds_: list[str]) -> Iterator[tuple[Any, ...]]:
        message = (message or "").strip()
        if not message:
            yield chat, history, gr.skip(), gr.skip(), ""
            return
        chat = [*chat, {"role": "user", "content": _escape(message)}, {"role": "assistant", "content": "检索中…"}]
        yield chat, history, gr.skip(), gr.skip(), ""
        filters = _filters(regions_, years_, kinds_)
        if service.pipeline.answerer.mode == "llm":  # show the model's words as they come
            written = ""
            for item in service.pipeline.stream(message, history, filters):
                if isinstance(item, str):
                    written += item
                    chat[-1] = {"role": "assistant", "content": _escape(written)}
                    yield chat, history, gr.skip(), gr.skip(), ""
                else:
                    answer = item
        else:
            answer = service.ask(message, history, filters)
        text = answer_markdown(answer)
        lines = text.split("\n")
        for shown in range(1, len(lines) + 1):  # stream the answer line by line
            chat[-1] = {"role": "assistant", "content": "\n".join(lines[:shown])}
            yield chat, history, gr.skip(), gr.skip(), ""
        yield chat, [*history, message], answer, sources_html(answer, _report_texts(service, answer)), ""

    outputs = [chatbot, asked, last_answer, sources, question]
    inputs = [question, chatbot, asked, region, year, kind]
    send.click(respond, inputs, outputs, api_name=False)
    question.submit(respond, inputs, outputs, api_name=False)
    clear.click(lambda: ([], [], None, sources_html(None, {}), ""), None, outputs, api_name=False)

    def save_rating(choice: str | None, note: str, answer: Answer | None) -> str:
        if answer is None:
            return "请先提问，再评价回答。"
        if not choice:
            return "请选择评价。"
        service.ratings.add(answer.question, answer.answer, choice, note, len(answer.citations))
        return f"已保存评价：{choice}"

    rate.click(save_rating, [rating, comment, last_answer], [rated], api_name=False)


def _wording_tab(gr: Any, service: AssistantService) -> None:
    found = gr.State([])
    with gr.Row():
        phrase = gr.Textbox(label="措施或短语", placeholder="例如：行政争议实质性化解", scale=4, elem_id="phrase")
        search = gr.Button("查找原文表述", variant="primary", scale=1, elem_id="find-wording")
    listing = gr.Markdown(elem_id="wording-results")
    choose = gr.CheckboxGroup(label="选择要导出的表述", choices=[], elem_id="wording-choose")
    copy_box = gr.Textbox(label="所选原文（可复制）", lines=6, buttons=["copy"], elem_id="wording-copy")
    with gr.Row():
        export_docx = gr.Button("导出 Word")
        export_md = gr.Button("导出 Markdown")
    files = gr.File(label="导出文件", file_count="multiple")

    def run(text: str) -> tuple[Any, ...]:
        hits = find_wording(service.pipeline.retriever, text)
        if not hits:
            return [], "（没有找到相关表述）", gr.update(choices=[], value=[]), ""
        lines = []
        for number, hit in enumerate(hits, start=1):
            folded = f" （另有{hit.count - 1}处相近表述）" if hit.count > 1 else ""
            lines.append(f"{number}. **{hit.region or hit.source}（{hit.year or '?'}年）** "
                         f"{_escape(hit.text)}{folded}  \n   <small>{_escape(hit.section)}</small>")
        labels = [f"{i}. {h.text[:40]}" for i, h in enumerate(hits, start=1)]
        return hits, "\n".join(lines), gr.update(choices=labels, value=labels), "\n".join(h.text for h in hits)

    def selected(hits: list[WordingHit], labels: list[str]) -> list[WordingHit]:
        numbers = {int(label.split(".", 1)[0]) for label in labels or []}
        return [h for i, h in enumerate(hits, start=1) if i in numbers]

    def export(hits: list[WordingHit], labels: list[str], kind: str) -> list[str]:
        chosen = selected(hits, labels)
        folder = Path(tempfile.mkdtemp(prefix="reportqa-export-"))
        if kind == "docx":
            path = folder / "原文表述.docx"
            wording_docx(chosen, str(path))
        else:
            path = folder / "原文表述.md"
            path.write_text(wording_markdown(chosen), encoding="utf-8")
        return [str(path)]

    search.click(run, [phrase], [found, listing, choose, copy_box], api_name="wording")
    phrase.submit(run, [phrase], [found, listing, choose, copy_box], api_name=False)
    choose.change(lambda hits, labels: "\n".join(h.text for h in selected(hits, labels)), [found, choose],
                  [copy_box], api_name=False)
    export_docx.click(lambda h, c: export(h, c, "docx"), [found, choose], [files], api_name=False)
    export_md.click(lambda h, c: export(h, c, "md"), [found, choose], [files], api_name=False)


def _escape(text: str) -> str:
    import html

    return html.escape(text, quote=False)


def _corpus_rows(service: AssistantService) -> list[list[Any]]:
    return [[r.source, r.meta.title, r.meta.region, r.meta.year, r.meta.issuing_body, r.meta.publish_date]
            for r in service.reports()]


def _corpus_tab(gr: Any, service: AssistantService) -> None:
    headers = ["文件", "标题", "地区", "年度", "发布机构", "发布日期"]
    table = gr.Dataframe(_corpus_rows(service), headers=headers, interactive=False, elem_id="corpus-table")
    with gr.Row():
        pick = gr.Dropdown([r.source for r in service.reports()], label="报告", scale=3)
        remove = gr.Button("移除该报告", variant="stop", scale=1)
    outline = gr.Markdown()
    upload = gr.File(label="上传报告（txt、md、html、docx、pdf，扫描件 png、jpg、tif）", file_count="multiple",
                     elem_id="upload")
    add = gr.Button("加入报告库并更新索引", variant="primary", elem_id="add-reports")
    status = gr.Markdown(elem_id="corpus-status")

    def show(source: str | None) -> str:
        report = service.report(source) if source else None
        if report is None:
            return ""
        lines = [f"**{_escape(report.meta.title)}**", ""]
        lines += [f"{'  ' * (s.level - 1)}- {_escape(s.marker + s.heading)} 〔{s.kind}〕"
                  for s in report.sections if 0 < s.level <= 2]
        return "\n".join(lines)

    def refreshed(message: str) -> tuple[Any, ...]:
        sources = [r.source for r in service.reports()]
        return _corpus_rows(service), gr.update(choices=sources, value=None), message

    progress_tracker = gr.Progress()  # Gradio injects progress through the default below

    def add_files(paths: list[Any] | None, progress: Any = progress_tracker) -> tuple[Any, ...]:
        if not paths:
            return refreshed("请先选择文件。")
        progress(0, desc="解析与索引中…")
        files = [(_original_name(p), Path(_path_of(p))) for p in paths]
        summary, problems = service.add_files(
            files, progress=lambda stage, done, total: progress(done / max(total, 1), desc=f"{stage} {done}/{total}"))
        lines = [f"报告库共 {summary.reports} 份报告；新增 {len(summary.added)}，更新 {len(summary.changed)}。"]
        lines += [f"- ⚠ {_escape(Path(s.path).name)}：{_escape(s.reason)}" for s in summary.skipped]
        lines += [f"- ⚠ {_escape(Path(w.path).name)}{f' 第 {w.page} 页' if w.page else ''}：{_escape(w.reason)}"
                  for w in summary.warnings]
        lines += [f"- ⚠ {_escape(p)}" for p in problems]
        return refreshed("\n".join(lines))

    def remove_report(source: str | None) -> tuple[Any, ...]:
        if not source:
            return refreshed("请先选择报告。")
        summary = service.remove(source)
        return refreshed(f"已移除 {_escape(source)}；报告库共 {summary.reports} 份报告。")

    pick.change(show, [pick], [outline], api_name=False)
    add.click(add_files, [upload], [table, pick, status], api_name=False)
    remove.click(remove_report, [pick], [table, pick, status], api_name=False)


def _path_of(item: Any) -> str:
    return str(getattr(item, "path", None) or getattr(item, "name", None) or item)


def _original_name(item: Any) -> str:
    return Path(getattr(item, "orig_name", None) or _path_of(item)).name


def _evaluate_tab(gr: Any, service: AssistantService) -> None:
    from ui.evaluate_tab import build_evaluate_tab

    build_evaluate_tab(gr, service)
