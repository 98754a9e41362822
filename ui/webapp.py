"""The Gradio web app: chat for officials, precedent wording for drafters, corpus, evaluation; the /ask API."""

from __future__ import annotations

import json
from typing import Any

from ui.service import AssistantService
from ui.setup import user_turns

# .progress-text is Gradio's status line ("queue: 1/2 |", "processing |"), English hard-coded in its
# StatusTracker with no locale entry; the spinner and the timer stay.
CSS = """
.source-card{border:1px solid #ddd;border-radius:6px;padding:8px;margin:6px 0}
.source-card:target{border-color:#e8590c;box-shadow:0 0 0 3px #ffd8a8}
.source-meta{color:#666;font-size:90%}.source-passage{margin:6px 0;line-height:1.7}
.source-group>summary{cursor:pointer;font-weight:600;margin:6px 0}
.closest-head{font-weight:600}.closest-note{color:#a61e4d;font-size:90%;margin:4px 0}
.passage-card{border-style:dashed}
.wording-hit{margin:8px 0;line-height:1.7}.wording-n{display:inline-block;min-width:2.5em;font-weight:600}
.wording-section{color:#666;font-size:85%;margin-left:2.5em}.wording-folded{margin-left:2.5em;color:#555}
mark{background:#ffe066}
.progress-text{display:none}
"""
HISTORY_HELP = ('history 须为 JSON 数组，例如 [{"role": "user", "content": "西湖区打造了哪些调解室品牌？"}]，'
                '或由之前问题组成的字符串数组；没有上文时传 "[]"。')


def build_app(service: AssistantService) -> Any:
    """The Blocks of the whole web app."""
    import gradio as gr

    from ui.chat_tab import build_chat_tab
    from ui.corpus_tab import build_corpus_tab, report_lists
    from ui.evaluate_tab import build_evaluate_tab
    from ui.figures_tab import build_figures_tab
    from ui.wording_tab import build_wording_tab

    with gr.Blocks(title="reportqa · 法治政府建设报告问答", analytics_enabled=False) as app:
        gr.Markdown("## reportqa · 法治政府建设年度报告检索问答")
        with gr.Tab("问答", id="chat"):
            chat = build_chat_tab(gr, service)
        with gr.Tab("原文表述", id="wording"):
            build_wording_tab(gr, service)
        with gr.Tab("指标对比", id="figures"):
            build_figures_tab(gr, service)
        with gr.Tab("报告库", id="corpus"):
            corpus = build_corpus_tab(gr, service, chat)
        with gr.Tab("评测", id="evaluate"):
            build_evaluate_tab(gr, service)
        # Lists of reports as the index holds them on every page load, not as they were at server start.
        app.load(lambda: report_lists(service, [], []), None, [corpus.table, corpus.pick, chat.region, chat.year],
                 api_name=False)

        def ask(question: str, history: str = "[]") -> dict[str, Any]:
            """Answer a question; history is a JSON list of earlier user turns. Returns the answer JSON."""
            return service.ask(question, history_turns(history)).to_json()

        gr.api(ask, api_name="ask")
    return app


def history_turns(history: str) -> list[str]:
    """The earlier user turns from the /ask API's JSON history; anything else is a clear error, not a traceback."""
    import gradio as gr

    try:
        turns = json.loads(history or "[]")
    except (TypeError, ValueError):
        raise gr.Error(HISTORY_HELP, print_exception=False) from None
    if not isinstance(turns, list) or not all(isinstance(t, str | dict) for t in turns):
        raise gr.Error(HISTORY_HELP, print_exception=False)
    return user_turns(turns)
