"""The Evaluate tab: run a gold set, see metrics, per-question checks and a chart; ratings with CSV export."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from eval.metrics import load_gold
from eval.report import CHARTED, COLUMNS
from eval.run import EvalRun, pipeline_ask, run_system
from ui.service import AssistantService


def gold_choices() -> list[str]:
    """The gold sets bundled with the project (eval/gold/*.jsonl)."""
    root = Path(__file__).resolve().parents[1]
    return [str(p) for p in sorted((root / "eval" / "gold").glob("*.jsonl"))]


def run_gold(service: AssistantService, path: Path) -> EvalRun:
    """Score the live pipeline on a gold file."""
    pipeline = service.pipeline
    report_text = pipeline.retriever.index.report_text
    return run_system("reportqa", pipeline_ask(pipeline), load_gold(path, report_text), report_text)


def metrics_rows(run: EvalRun) -> list[list[Any]]:
    """Overall and per-type metrics as table rows."""
    rows = [["全部", run.metrics.questions, *[getattr(run.metrics, key) for key, _ in COLUMNS]]]
    rows += [[kind, m.questions, *[getattr(m, key) for key, _ in COLUMNS]] for kind, m in run.metrics.by_type.items()]
    return rows


def question_rows(run: EvalRun) -> list[list[Any]]:
    """One row per question: answer, citations and each check."""
    def mark(ok: bool | None) -> str:
        return "–" if ok is None else ("✓" if ok else "✗")

    rows = []
    for answer, score in zip(run.answers, run.scores, strict=True):
        rows.append([score.id, score.type, answer["question"], answer["answer"][:200], len(answer["citations"]),
                     mark(score.passed), mark(score.fact_ok), mark(score.abstention_ok),
                     f"{score.valid_citations}/{score.citations}", f"{score.evidence_cited}/{score.evidence_total}",
                     mark(None if score.evidence_recall is None else score.evidence_recall == 1.0)])
    return rows


def chart(run: EvalRun) -> Any:
    """Bar chart of the main metrics, overall."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 3))
    axes.bar(list(CHARTED), [getattr(run.metrics, key) or 0.0 for key in CHARTED], color="#4c6ef5")
    axes.set_ylim(0, 1.05)
    axes.tick_params(axis="x", labelrotation=20, labelsize=8)
    figure.tight_layout()
    return figure


def build_evaluate_tab(gr: Any, service: AssistantService) -> None:
    """Components and handlers of the tab."""
    progress_tracker = gr.Progress()  # Gradio injects progress through the default below
    with gr.Row():
        choices = gold_choices()
        choice = gr.Dropdown(choices, label="金标准问题集", value=choices[0] if choices else None, scale=3)
        upload = gr.File(label="或上传 JSONL", file_types=[".jsonl"], scale=2)
    run_button = gr.Button("运行评测", variant="primary", elem_id="run-eval")
    status = gr.Markdown()
    metrics = gr.Dataframe(headers=["类型", "问题数", *[label for _, label in COLUMNS]], interactive=False)
    plot = gr.Plot(label="指标")
    details = gr.Dataframe(headers=["id", "类型", "问题", "回答", "引用数", "通过", "事实", "拒答", "有效引用",
                                    "证据引用", "证据召回"], interactive=False, wrap=True)
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
            return f"问题集有误：{exc}", None, None, None
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
            kind = gr.Dropdown(list(QUESTION_TYPES), value="factoid", label="类型")
            history = gr.Textbox(label="上文问题（可空，多条用 | 分隔）")
        with gr.Row():
            query = gr.Textbox(label="检索证据用的关键词（空则用问题本身）", scale=4)
            search = gr.Button("检索证据", scale=1, elem_id="gold-search")
        picks = gr.CheckboxGroup(label="证据句", choices=[], elem_id="gold-evidence")
        with gr.Row():
            must = gr.Textbox(label="答案必须包含（逗号分隔）", elem_id="gold-must")
            must_not = gr.Textbox(label="不得引用的地区（逗号分隔）")
        target = gr.Textbox(label="写入文件", value=str(service.data_dir / "gold.jsonl"), elem_id="gold-file")
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
        try:
            gold = save_question(service.pipeline.retriever.index, Path(path), text or "", kind_, turns.split("|"),
                                 [items[n - 1] for n in numbers if 1 <= n <= len(items)], split, banned)
        except ValueError as exc:
            return f"未保存：{exc}"
        return f"已写入 {path}：{gold.id}（证据 {len(gold.evidence)} 条）"

    search.click(find, [question, query], [found, picks], api_name=False)
    save.click(store, [question, kind, history, found, picks, must, must_not, target], [saved], api_name=False)
