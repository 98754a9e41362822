"""The Evaluate tab: run a gold set, see metrics, per-question checks and a chart; ratings with CSV export."""

from __future__ import annotations

import html
import re
import tempfile
from pathlib import Path
from typing import Any

from eval.metrics import load_gold
from eval.report import CHARTED, COLUMNS
from eval.run import EvalRun, pipeline_ask, run_system
from ui.service import AssistantService, safe_file_name
from ui.zh import gold_problems, metric_label, question_type_label

# Fonts with Chinese glyphs for the chart, the first one installed wins (Debian: fonts-wqy-zenhei, fonts-noto-cjk).
CJK_FONTS = ("WenQuanYi Zen Hei", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "SimHei",
             "PingFang SC")
_CJK_FILE = re.compile(r"wqy|cjk|sourcehan|simhei|msyh|pingfang", re.IGNORECASE)
ANSWER_PREVIEW = 200


def gold_choices() -> list[tuple[str, str]]:
    """The gold sets bundled with the project (eval/gold/*.jsonl), as (file name, path)."""
    root = Path(__file__).resolve().parents[1]
    return [(p.name, str(p)) for p in sorted((root / "eval" / "gold").glob("*.jsonl"))]


def run_gold(service: AssistantService, path: Path) -> EvalRun:
    """Score the live pipeline on a gold file."""
    pipeline = service.pipeline
    report_text = pipeline.retriever.index.report_text
    return run_system("reportqa", pipeline_ask(pipeline), load_gold(path, report_text), report_text)


def metrics_rows(run: EvalRun) -> list[list[Any]]:
    """Overall and per-type metrics as table rows."""
    rows = [["全部", run.metrics.questions, *[getattr(run.metrics, key) for key, _ in COLUMNS]]]
    rows += [[question_type_label(kind), m.questions, *[getattr(m, key) for key, _ in COLUMNS]]
             for kind, m in run.metrics.by_type.items()]
    return rows


def answer_preview(answer: str, limit: int = ANSWER_PREVIEW) -> str:
    """The start of an answer as markdown for the table: HTML shown as text, no bold left open by the cut."""
    text = answer if len(answer) <= limit else answer[:limit] + "…"
    if text.count("**") % 2:
        text += "**"
    return html.escape(text, quote=False)


def question_rows(run: EvalRun) -> list[list[Any]]:
    """One row per question: answer, citations and each check."""
    def mark(ok: bool | None) -> str:
        return "–" if ok is None else ("✓" if ok else "✗")

    rows = []
    for answer, score in zip(run.answers, run.scores, strict=True):
        rows.append([score.id, question_type_label(score.type), answer["question"], answer_preview(answer["answer"]),
                     len(answer["citations"]),
                     mark(score.passed), mark(score.fact_ok), mark(score.abstention_ok),
                     f"{score.valid_citations}/{score.citations}", f"{score.evidence_cited}/{score.evidence_total}",
                     mark(None if score.evidence_recall is None else score.evidence_recall == 1.0)])
    return rows


def chinese_font() -> str | None:
    """A font family with Chinese glyphs, registered with matplotlib if its font cache predates the font."""
    from matplotlib import font_manager

    def known() -> str | None:
        names = {font.name for font in font_manager.fontManager.ttflist}
        return next((family for family in CJK_FONTS if family in names), None)

    if known() is None:
        for path in font_manager.findSystemFonts():
            if _CJK_FILE.search(Path(path).name):
                font_manager.fontManager.addfont(path)
    return known()


def chart(run: EvalRun) -> Any:
    """Bar chart of the main metrics, overall, labelled in Chinese."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    family = chinese_font() or "sans-serif"
    figure, axes = plt.subplots(figsize=(7, 3))
    axes.bar(range(len(CHARTED)), [getattr(run.metrics, key) or 0.0 for key in CHARTED], color="#4c6ef5")
    axes.set_xticks(range(len(CHARTED)), [metric_label(key, run.metrics.k) for key in CHARTED], rotation=20,
                    fontsize=8, fontfamily=family)
    axes.set_title(f"总体指标（{run.metrics.questions}题）", fontfamily=family)
    axes.set_ylim(0, 1.05)
    figure.tight_layout()
    return figure


def build_evaluate_tab(gr: Any, service: AssistantService) -> None:
    """Components and handlers of the tab."""
    progress_tracker = gr.Progress()  # Gradio injects progress through the default below
    with gr.Row():
        choices = gold_choices()
        choice = gr.Dropdown(choices, label="金标准问题集", value=choices[0][1] if choices else None, scale=3,
                             elem_id="gold-set")
        upload = gr.File(label="或上传问题集（.jsonl 文件）", file_types=[".jsonl"], scale=2, elem_id="gold-upload")
    run_button = gr.Button("运行评测", variant="primary", elem_id="run-eval")
    status = gr.Markdown(elem_id="eval-status")
    metrics = gr.Dataframe(headers=["类型", "问题数", *[metric_label(key) for key, _ in COLUMNS]], interactive=False,
                           elem_id="eval-metrics")
    plot = gr.Plot(label="指标")
    details = gr.Dataframe(headers=["编号", "类型", "问题", "回答", "引用数", "通过", "事实", "拒答", "有效引用",
                                    "证据引用", "证据召回"], interactive=False, wrap=True, elem_id="eval-details",
                           datatype=["str", "str", "str", "markdown", "number", *["str"] * 6])
    _gold_editor(gr, service)
    gr.Markdown("### 回答评价")
    ratings = gr.Dataframe(headers=["时间", "问题", "回答", "评价", "意见", "引用数"], interactive=False,
                           elem_id="ratings-table")
    with gr.Row():
        refresh = gr.Button("刷新评价")
        export = gr.Button("导出 CSV")
    csv_file = gr.File(label="评价 CSV")

    def evaluate(selected: str | None, uploaded: Any, progress: Any = progress_tracker) -> tuple[Any, ...]:
        path = Path(str(getattr(uploaded, "path", None) or uploaded)) if uploaded else (
            Path(selected) if selected else None)
        if path is None:
            return "请选择或上传问题集。", None, None, None
        progress(0.1, desc="评测中…")
        try:
            run = run_gold(service, path)
        except ValueError as exc:
            problems = "\n".join(f"- {html.escape(p)}" for p in gold_problems(str(exc)))
            return f"问题集有误：\n{problems}", None, None, None
        passed = sum(s.passed for s in run.scores)
        return (f"{path.name}：{passed}/{len(run.scores)} 题全部检查通过", metrics_rows(run), chart(run),
                question_rows(run))

    def rating_rows() -> list[list[Any]]:
        return [[r.time, r.question, r.answer[:120], r.rating, r.comment, r.citations] for r in service.ratings.all()]

    def export_csv() -> str:
        path = Path(tempfile.mkdtemp(prefix="reportqa-ratings-")) / "ratings.csv"
        path.write_text(service.ratings.to_csv(), encoding="utf-8")
        return str(path)

    run_button.click(evaluate, [choice, upload], [status, metrics, plot, details], api_name=False)
    refresh.click(rating_rows, None, [ratings], api_name=False)
    export.click(export_csv, None, [csv_file], api_name=False)


def _gold_editor(gr: Any, service: AssistantService) -> None:
    """Write gold questions without editing JSON: evidence picked from the reports, validated on save."""
    from eval.gold_editor import QUESTION_TYPES, evidence_candidates, save_question

    found = gr.State([])
    with gr.Accordion("编写金标准问题", open=False):
        question = gr.Textbox(label="问题", elem_id="gold-question")
        with gr.Row():
            kind = gr.Dropdown([(question_type_label(t), t) for t in QUESTION_TYPES], value="factoid", label="类型")
            history = gr.Textbox(label="上文问题（可空，多条用 | 分隔）")
        with gr.Row():
            query = gr.Textbox(label="检索证据用的关键词（空则用问题本身）", scale=4)
            search = gr.Button("检索证据", scale=1, elem_id="gold-search")
        picks = gr.CheckboxGroup(label="证据句", choices=[], elem_id="gold-evidence")
        with gr.Row():
            must = gr.Textbox(label="答案必须包含（逗号分隔）", elem_id="gold-must")
            must_not = gr.Textbox(label="不得引用的地区（逗号分隔）")
        target = gr.Textbox(label="写入文件（服务器数据目录中的文件名）", value="gold.jsonl", elem_id="gold-file")
        save = gr.Button("保存问题", variant="primary", elem_id="gold-save")
        saved = gr.Markdown(elem_id="gold-status")

    def find(text: str, words: str) -> tuple[Any, ...]:
        items = evidence_candidates(service.pipeline.retriever.index, (words or text).strip() or "法治")
        labels = [f"{i}. [{c['region']} {c['year']}] {c['text']}" for i, c in enumerate(items, start=1)]
        return items, gr.update(choices=labels, value=[])

    def store(text: str, kind_: str, turns: str, items: list[dict[str, str]], chosen: list[str], needed: str,
              forbidden: str, path: str) -> str:
        numbers = [int(label.split(".", 1)[0]) for label in chosen or []]
        split = [s.strip() for s in (needed or "").replace("，", ",").split(",") if s.strip()]
        banned = [s.strip() for s in (forbidden or "").replace("，", ",").split(",") if s.strip()]
        name = safe_file_name(path or "gold.jsonl")
        if not name.endswith(".jsonl"):
            return "未保存：文件名须以 .jsonl 结尾。"
        try:
            gold = save_question(service.pipeline.retriever.index, service.data_dir / name, text or "", kind_,
                                 turns.split("|"), [items[n - 1] for n in numbers if 1 <= n <= len(items)], split,
                                 banned)
        except ValueError as exc:
            return f"未保存：{html.escape(str(exc))}"
        return f"已写入 {html.escape(name)}：{gold.id}（证据 {len(gold.evidence)} 条）"

    search.click(find, [question, query], [found, picks], api_name=False)
    save.click(store, [question, kind, history, found, picks, must, must_not, target], [saved], api_name=False)
