"""Answers over the samples with look-alike reports beside them (tools/synth_corpus.py: the samples' paragraphs
recombined under invented places, figures jittered), indexed for real with onnx-e5 + FAISS + bm25s."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from answer.builders.listing import same_wording
from answer.pipeline import AnswerPipeline
from corpus.ingest import samples_dir
from eval.metrics import aggregate, load_gold, score_question
from eval.run import pipeline_ask
from index.embedders import Embedder
from index.search import SearchIndex
from retriever.conversation import user_turns

ROOT = Path(__file__).resolve().parents[2]
LOOKALIKES = 40  # about 35 s to index; 200 measure the same (README, "Look-alike reports")


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder) -> AnswerPipeline:
    from index.build import update_index

    corpus = tmp_path_factory.mktemp("lookalike-corpus")
    for sample in samples_dir().glob("*.txt"):
        (corpus / sample.name).write_bytes(sample.read_bytes())
    subprocess.run([sys.executable, str(ROOT / "tools" / "synth_corpus.py"), "--src", str(samples_dir()),
                    "--out", str(corpus), "--n", str(LOOKALIKES), "--seed", "0"], check=True, capture_output=True)
    folder = tmp_path_factory.mktemp("lookalike-index")
    update_index(folder, [corpus], real_embedder)
    return AnswerPipeline(SearchIndex.open(folder, real_embedder))


def test_each_lookalike_is_about_the_place_its_title_names(crowded: AnswerPipeline) -> None:
    metas = crowded.retriever.metas
    synthetic = {source: meta for source, meta in metas.items() if source.startswith("synth_")}
    assert len(synthetic) == LOOKALIKES
    for meta in synthetic.values():  # 临龙县司法局2021年…: the text names 杭州市 and 铁力市 more often
        assert meta.region == re.match(r"(.+?)司法局", meta.title).group(1), meta.title


def test_dev_answers_hold_and_a_named_region_cites_only_its_reports(crowded: AnswerPipeline) -> None:
    report_text = crowded.retriever.index.report_text
    gold = load_gold(ROOT / "eval" / "gold" / "dev.jsonl", report_text)
    ask = pipeline_ask(crowded)
    metrics = aggregate([score_question(q, ask(q), report_text) for q in gold])
    assert metrics.fact_accuracy is not None and metrics.fact_accuracy >= 0.97  # 1.000 on the samples alone
    metas = crowded.retriever.metas
    for question in gold:
        plan = crowded.plan(question.question, user_turns(question.history))
        if len(plan.filters.regions) != 1 or not question.answerable:
            continue
        answer = crowded.answerer.answer(plan)
        assert {metas[c.source].region for c in answer.citations} <= set(plan.filters.regions), question.id


def test_a_list_shows_each_wording_once_with_the_reports_sharing_it(crowded: AnswerPipeline) -> None:
    answer = crowded.ask("各地在企业合规方面出台了哪些合规指引？")
    lines = [line for line in answer.answer.split("\n") if line.startswith("- ")]
    reports = int(re.search(r"共有(\d+)份报告", answer.answer).group(1))
    assert len(lines) < reports and "表述相近" in answer.answer
    zhuji = [line for line in lines if line.startswith("- **诸暨市**")]
    assert zhuji and "袜业产业合规指引" in zhuji[0]  # 诸暨's own wording has a line of its own
    assert len({c.source for c in answer.citations}) == reports  # every report still cited


def test_whether_any_report_does_something_lists_those_that_do(crowded: AnswerPipeline) -> None:
    answer = crowded.ask("有没有关于“一证即办”公证服务的做法？")
    assert answer.answerable and "伊春市" in {c.region for c in answer.citations}
    assert any("积极推行“一证即办”公证服务模式" in c.quote for c in answer.citations)  # its claim, quoted


def test_same_wording_groups_texts_that_differ_in_figures_or_a_name() -> None:
    texts = ["面向90余家企业开展合规培训,引导企业健全法律风控体系，编制出台合规指引两部。",
             "编制《诸暨市袜业产业合规指引》,阐述违法风险点并提出合规建议,引导企业参照执行。",
             "面向131余家企业开展合规培训,引导企业健全法律风控体系，编制出台合规指引三部。",
             "编制《临龙县袜业产业合规指引》,阐述违法风险点并提出合规建议,引导企业参照执行。",
             "出庭率100%", "出庭率99%"]  # too short to tell copying from a common phrase
    assert same_wording(texts, open_groups=10) == [[0, 2], [1, 3], [4], [5]]
    assert same_wording(texts, open_groups=1) == [[0, 2], [1], [3], [4], [5]]  # later texts join open groups only
