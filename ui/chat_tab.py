"""The 问答 tab: multi-turn chat, each answer with its own group of sources, filters, rating."""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from answer.types import Answer
from corpus.types import SECTION_KINDS
from retriever.analysis import Filters
from ui.service import RATINGS, AssistantService
from ui.web_render import NO_SOURCES, SourceGroup, answer_markdown, sources_group, sources_panel
from ui.zh import filters_note

EXAMPLES = ["哪些县设立了行政争议调解中心？", "西湖区2024年行政复议收案多少件？纠错率是多少？",
            "诸暨市法治政府建设存在哪些问题？", "比较南安市和伊春市的人民调解成功率。",
            "如何表述“行政争议实质性化解”方面的工作？"]
EMPTY_QUESTION = "请输入问题。"


@dataclass(frozen=True)
class ChatTab:
    """The components of the tab whose choices follow the reports in the index."""

    region: Any
    year: Any


def filter_choices(service: AssistantService) -> tuple[list[str], list[str]]:
    """The regions and years of the reports in the index now."""
    reports = service.reports()
    return (sorted({r.meta.region for r in reports if r.meta.region}),
            sorted({str(r.meta.year) for r in reports if r.meta.year}))


def build_chat_tab(gr: Any, service: AssistantService) -> ChatTab:
    """Components and handlers of the tab."""
    regions, years = filter_choices(service)
    last_answer = gr.State(None)
    asked = gr.State([])
    groups = gr.State([])
    with gr.Row():
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(label="对话", height=480, buttons=["copy", "copy_all"], sanitize_html=True,
                                 elem_id="chatbot")
            question = gr.Textbox(label="问题", placeholder="例如：哪些县设立了行政争议调解中心？", elem_id="question")
            status = gr.Markdown(elem_id="ask-status")
            with gr.Row():
                send = gr.Button("提问", variant="primary", elem_id="send")
                clear = gr.Button("清空对话", elem_id="clear")
            gr.Examples(EXAMPLES, inputs=[question], label="示例问题")
            with gr.Accordion("筛选", open=False):
                region = gr.Dropdown(regions, multiselect=True, label="地区", elem_id="filter-region")
                year = gr.Dropdown(years, multiselect=True, label="年度", elem_id="filter-year")
                kind = gr.Dropdown(list(SECTION_KINDS), multiselect=True, label="章节类型", elem_id="filter-kind")
            with gr.Accordion("评价这条回答", open=False):
                rating = gr.Radio(list(RATINGS), label="评价")
                comment = gr.Textbox(label="意见", lines=2)
                rate = gr.Button("保存评价", elem_id="rate")
                rated = gr.Markdown()
        with gr.Column(scale=2):
            gr.Markdown("### 来源")
            sources = gr.HTML(NO_SOURCES, elem_id="sources")

    def respond(message: str, chat: list[dict[str, str]], history: list[str], shown: list[SourceGroup],
                regions_: list[str], years_: list[str], kinds_: list[str]) -> Iterator[tuple[Any, ...]]:
        message = (message or "").strip()
        if not message:
            yield chat, history, gr.skip(), gr.skip(), "", shown, EMPTY_QUESTION
            return
        chat = [*chat, {"role": "user", "content": html.escape(message, quote=False)},
                {"role": "assistant", "content": "检索中…"}]
        yield chat, history, gr.skip(), gr.skip(), "", shown, ""
        filters = Filters(regions=tuple(regions_ or ()), years=tuple(int(y) for y in years_ or ()),
                          kinds=tuple(kinds_ or ()))
        pipeline, answer, written = service.pipeline, None, ""
        for item in pipeline.stream(message, history, filters):
            if isinstance(item, Answer):
                answer = item
            elif pipeline.answerer.mode == "llm":  # the model's words as they come
                written += item
                chat[-1] = {"role": "assistant", "content": html.escape(written, quote=False)}
                yield chat, history, gr.skip(), gr.skip(), "", shown, ""
        assert answer is not None  # stream always ends with the Answer
        number = max((g.number for g in shown), default=0) + 1
        lines = displayed_answer(answer, number, filters).split("\n")
        for count in range(1, len(lines) + 1):  # the answer line by line
            chat[-1] = {"role": "assistant", "content": "\n".join(lines[:count])}
            yield chat, history, gr.skip(), gr.skip(), "", shown, ""
        shown = [*shown, sources_group(answer, number, report_texts(service, answer))]
        if "question_too_long" not in answer.warnings:  # a refused question is no context for follow-ups
            history = [*history, message]
        yield chat, history, answer, sources_panel(shown), "", shown, ""

    outputs = [chatbot, asked, last_answer, sources, question, groups, status]
    inputs = [question, chatbot, asked, groups, region, year, kind]
    send.click(respond, inputs, outputs, api_name=False)
    question.submit(respond, inputs, outputs, api_name=False)
    clear.click(lambda: ([], [], None, NO_SOURCES, "", [], ""), None, outputs, api_name=False)

    def save_rating(choice: str | None, note: str, answer: Answer | None) -> str:
        if answer is None:
            return "请先提问，再评价回答。"
        if not choice:
            return "请选择评价。"
        service.ratings.add(answer.question, answer.answer, choice, note, len(answer.citations))
        return f"已保存评价：{choice}"

    rate.click(save_rating, [rating, comment, last_answer], [rated], api_name=False)
    return ChatTab(region, year)


def displayed_answer(answer: Answer, number: int, filters: Filters) -> str:
    """The answer as the chat shows it; a "not found" under UI filters says which filters applied."""
    text = answer_markdown(answer, number)
    if not answer.answerable and "question_too_long" not in answer.warnings:
        note = filters_note(filters)
        if note:
            text += "\n\n" + html.escape(note, quote=False)
    return text


def report_texts(service: AssistantService, answer: Answer) -> dict[str, str]:
    """The canonical text of every report an answer cites, for the context around each quote."""
    texts = {}
    for source in {c.source for c in answer.citations}:
        report = service.report(source)
        if report is not None:
            texts[source] = report.text
    return texts
