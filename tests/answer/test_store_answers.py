"""The answers users see are the same whichever store searches (onnx-e5 over the five samples)."""

from __future__ import annotations

from pathlib import Path

import pytest

from answer.pipeline import AnswerPipeline
from eval.metrics import load_gold
from index.embedders import Embedder
from index.search import SearchIndex
from index.stores import StoreSpec
from retriever.analysis import Filters

DEV = Path(__file__).resolve().parents[2] / "eval" / "gold" / "dev.jsonl"


@pytest.fixture(scope="module", params=["local", "milvus"])
def pipeline(request: pytest.FixtureRequest, real_index_dir: Path, real_embedder: Embedder) -> AnswerPipeline:
    store = StoreSpec() if request.param == "local" else request.getfixturevalue("real_milvus_store")
    index = SearchIndex.open(real_index_dir, real_embedder, store)
    assert index.manifest.store == request.param
    return AnswerPipeline(index)


def test_card_question_names_the_three_places(pipeline: AnswerPipeline) -> None:
    answer = pipeline.ask("哪些县设立了行政争议调解中心？")
    assert answer.answerable and {"诸暨市", "柯城区", "西湖区"} <= {c.region for c in answer.citations}
    for citation in answer.citations:
        text = pipeline.retriever.index.report_text(citation.source)
        assert text is not None and text[citation.start:citation.end] == citation.quote


def test_a_figure_per_report(pipeline: AnswerPipeline) -> None:
    answer = pipeline.ask("哪些报告提到了法律明白人？各有多少名？")
    assert "6405名" in answer.answer and "1083名" in answer.answer
    assert {c.region for c in answer.citations} == {"南安市", "伊春市"}


def test_explicit_filters_restrict_the_answer(pipeline: AnswerPipeline) -> None:
    answer = pipeline.ask("行政复议工作有哪些举措？", filters=Filters(regions=("西湖区",), years=(2024,)))
    assert answer.citations and {c.region for c in answer.citations} == {"西湖区"}


def test_an_out_of_corpus_question_abstains(pipeline: AnswerPipeline) -> None:
    answer = pipeline.ask("诸暨市2023年的GDP增长率是多少？")
    assert not answer.answerable and answer.citations == ()


def test_both_stores_give_the_same_answers_to_the_dev_questions(real_index_dir: Path, real_embedder: Embedder,
                                                                 real_milvus_store: StoreSpec) -> None:
    """Milvus' BM25 runs on the local store's own terms, so every dev answer and citation is the same."""
    questions = [q.question for q in load_gold(DEV)]
    answers = {}
    for store in (StoreSpec(), real_milvus_store):
        pipeline = AnswerPipeline(SearchIndex.open(real_index_dir, real_embedder, store))
        answers[store.kind] = [(a.answer, [(c.source, c.start, c.end) for c in a.citations])
                               for a in map(pipeline.ask, questions)]
    differing = [q for q, local, milvus in zip(questions, answers["local"], answers["milvus"], strict=True)
                 if local != milvus]
    assert not differing
