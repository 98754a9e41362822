"""The evaluate tab's pieces: gold sets by name, Chinese tables and chart, history parsing of the API."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.build import update_index
from tests.fakes import SAMPLES, HashEmbedder, sample_corpus
from ui.evaluate_tab import answer_preview, chart, gold_choices, metrics_rows, question_rows, run_gold
from ui.service import AssistantService
from ui.settings import Settings
from ui.webapp import HISTORY_HELP, history_turns

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> AssistantService:
    folder = tmp_path_factory.mktemp("evaluate")
    settings = Settings(index_dir=folder / "index")
    update_index(settings.index_dir, [sample_corpus(folder / "corpus", SAMPLES)], HashEmbedder())
    return AssistantService(settings, HashEmbedder())


def test_gold_sets_are_offered_by_file_name() -> None:
    choices = gold_choices()
    assert ("dev.jsonl", str(REPO / "eval" / "gold" / "dev.jsonl")) in choices
    assert all("/" not in name for name, _ in choices)


def test_tables_and_chart_are_in_chinese(service: AssistantService, tmp_path: Path) -> None:
    from matplotlib.font_manager import findfont
    from matplotlib.ft2font import FT2Font

    lines = (REPO / "eval" / "gold" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    gold = tmp_path / "few.jsonl"
    gold.write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")
    run = run_gold(service, gold)
    assert [row[0] for row in metrics_rows(run)] == ["全部", "列举", "数字"]
    assert {row[1] for row in question_rows(run)} == {"列举", "数字"}
    figure = chart(run)
    labels = [*figure.axes[0].get_xticklabels(), figure.axes[0].title]
    assert "证据召回率（前5条）" in [label.get_text() for label in labels]
    for label in labels:  # every character has a glyph in the font the label is drawn with (no empty boxes)
        font = FT2Font(findfont(label.get_fontproperties(), fallback_to_default=False))
        assert all(font.get_char_index(ord(ch)) for ch in label.get_text() if not ch.isspace()), label.get_text()


def test_answer_preview_keeps_markdown_whole_and_html_as_text() -> None:
    assert answer_preview("**西湖区**：收案845件[1]。") == "**西湖区**：收案845件[1]。"
    cut = answer_preview("**" + "西" * 300 + "**", limit=10)
    assert cut == "**" + "西" * 8 + "…**"
    assert answer_preview("<b>粗</b>") == "&lt;b&gt;粗&lt;/b&gt;"


def test_history_of_the_api_is_a_json_list_or_a_clear_error() -> None:
    import gradio as gr

    turns = '[{"role": "user", "content": "西湖区打造了哪些调解室品牌？"}, {"role": "assistant", "content": "…"}]'
    assert history_turns(turns) == ["西湖区打造了哪些调解室品牌？"]
    assert history_turns('["伊春市呢？"]') == ["伊春市呢？"] and history_turns("") == []
    for bad in ("not json", '{"role": "user"}', "[1, 2]", "null"):
        with pytest.raises(gr.Error) as error:
            history_turns(bad)
        assert error.value.message == HISTORY_HELP and not error.value.print_exception
