"""The 原文表述 tab: verbatim sentences across reports for drafters, selection copied or exported."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from answer.wording import WordingHit, find_wording, wording_docx, wording_markdown
from ui.service import AssistantService
from ui.web_render import wording_html


def build_wording_tab(gr: Any, service: AssistantService) -> None:
    """Components and handlers of the tab."""
    found = gr.State([])
    with gr.Row():
        phrase = gr.Textbox(label="措施或短语", placeholder="例如：行政争议实质性化解", scale=4, elem_id="phrase")
        search = gr.Button("查找原文表述", variant="primary", scale=1, elem_id="find-wording")
    listing = gr.HTML(elem_id="wording-results")
    choose = gr.CheckboxGroup(label="选择要导出的表述", choices=[], elem_id="wording-choose")
    copy_box = gr.Textbox(label="所选原文（可复制）", lines=6, buttons=["copy"], elem_id="wording-copy")
    with gr.Row():
        export_docx = gr.Button("导出 Word")
        export_md = gr.Button("导出 Markdown")
    files = gr.File(label="导出文件", file_count="multiple")

    def run(text: str) -> tuple[Any, ...]:
        if not (text or "").strip():
            prompt = '<div class="wording-empty">请输入要查找的措施或短语。</div>'
            return [], prompt, gr.update(choices=[], value=[]), ""
        hits = find_wording(service.pipeline.retriever, text)
        regions = {r.source: r.meta.region or r.source for r in service.reports()}
        labels = [f"{i}. {h.text[:40]}" for i, h in enumerate(hits, start=1)]
        return (hits, wording_html(hits, regions), gr.update(choices=labels, value=labels),
                "\n".join(h.text for h in hits))

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
