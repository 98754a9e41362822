"""Answers that hold up: the questions of issue 10 as a new user types them, gold sets written blind, and the
same questions typed other ways (real index: onnx-e5 + FAISS + bm25s over the five samples)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from answer.pipeline import AnswerPipeline
from eval.metamorphic import run_variants
from eval.metrics import aggregate, load_gold, score_question
from eval.run import pipeline_ask
from eval.variants import FAMILIES, PlaceForms
from index.embedders import Embedder
from index.search import SearchIndex

GOLD = Path(__file__).resolve().parents[2] / "eval" / "gold"


@pytest.fixture(scope="module")
def pipeline(real_index_dir: Path, real_embedder: Embedder) -> AnswerPipeline:
    return AnswerPipeline(SearchIndex.open(real_index_dir, real_embedder))


def _verbatim(pipeline: AnswerPipeline, answer) -> None:  # type: ignore[no-untyped-def]
    for citation in answer.citations:
        text = pipeline.retriever.index.report_text(citation.source)
        assert text is not None and text[citation.start:citation.end] == citation.quote


def test_card_question_with_a_request_tail(pipeline: AnswerPipeline) -> None:
    answer = pipeline.ask("哪些地方设立了行政争议调解中心？请列出并给出出处。")
    assert answer.answerable and {"诸暨市", "柯城区", "西湖区"} <= {c.region for c in answer.citations}
    _verbatim(pipeline, answer)


def test_a_list_line_cites_further_clauses_of_its_report(pipeline: AnswerPipeline) -> None:
    # One line per report, its strongest clause quoted; other clauses the ranking model judges evidence are
    # cited by marker (另见[n]), numbered after every report's own line, never overlapping another quote.
    answer = pipeline.ask("哪些县设立了行政争议调解中心？")
    lines = [line for line in answer.answer.splitlines() if line.startswith("- ")]
    by_number = {c.n: c for c in answer.citations}
    assert len(answer.citations) > len(lines)
    for line in lines:
        own, _, also = line.partition("（另见")
        (first,) = [int(n) for n in re.findall(r"\[(\d+)\]", own)]
        extra = [int(n) for n in re.findall(r"\[(\d+)\]", also)]
        assert first <= len(lines) and all(n > len(lines) for n in extra) and len(extra) <= 2
        for n in extra:
            cited, shown = by_number[n], by_number[first]
            assert cited.source == shown.source and (cited.end <= shown.start or shown.end <= cited.start)
    kecheng = [c.quote for c in answer.citations if c.region == "柯城区"]
    assert any("行政复议局和行政争议调解中心在全市率先入驻" in q for q in kecheng[1:])
    assert [p.source for p in answer.passages[:len(lines)]] == [by_number[n].source for n in range(1, len(lines) + 1)]
    _verbatim(pipeline, answer)


def test_a_report_is_listed_for_an_accepted_clause_just_below_its_best(pipeline: AnswerPipeline) -> None:
    # 西湖's best-ranked clause for 行政纠纷 (专职人民调解员) is not accepted as support; its second, naming the
    # 行政争议调解中心, is, and is the one quoted.
    answer = pipeline.ask("哪几个地方有专门调解行政纠纷的中心？")
    (line,) = [line for line in answer.answer.splitlines() if line.startswith("- **西湖区**")]
    assert "行政争议调解中心" in line.partition("（另见")[0]


def test_list_with_a_figure_for_each_report(pipeline: AnswerPipeline) -> None:
    answer = pipeline.ask("哪些报告提到了法律明白人？各有多少名？")
    assert "6405名" in answer.answer and "1083名" in answer.answer
    assert {c.region for c in answer.citations} == {"南安市", "伊春市"}
    _verbatim(pipeline, answer)


def test_a_rate_list_keeps_only_reports_stating_the_rate(pipeline: AnswerPipeline) -> None:
    answer = pipeline.ask("各地行政复议纠错率分别是多少？")
    assert "4.92%" in answer.answer and {c.region for c in answer.citations} == {"西湖区"}


def test_a_clause_about_another_year_does_not_end_the_search(pipeline: AnswerPipeline) -> None:
    # 明年 (of a 2023 report) is 2024: the top clauses (仅有枫桥、店口、浣东…) state no 2024 and cannot answer,
    # and the next one that does (2024年计划新创建…3家以上) is quoted rather than nothing.
    answer = pipeline.ask("分别是哪些？明年打算再建几个？", ["诸暨的省级枫桥式司法所有几个？"])
    assert answer.answerable and "3家以上" in answer.answer and {c.region for c in answer.citations} == {"诸暨市"}


def test_a_rate_is_answered_only_by_a_percentage(pipeline: AnswerPipeline) -> None:
    # 鲤城区 appears only as 南安's partner court; its clause states 4月 and 45件, never a 纠错率.
    answer = pipeline.ask("鲤城区的行政复议纠错率是多少？")
    assert not answer.answerable and answer.citations == ()


def test_a_year_question_quotes_the_sentence_announcing_the_report(pipeline: AnswerPipeline) -> None:
    answer = pipeline.ask("哪份报告讲的是2020年的情况")
    quotes = [c.quote for c in answer.citations]
    assert {c.region for c in answer.citations} == {"柯城区"}
    assert "下面就现将2020年度柯城区法治政府建设工作情况汇报报告如下:" in quotes  # most like its title
    assert any(q.startswith("2020年,在市委、市政府的正确领导下") for q in quotes)  # the first to name 2020
    _verbatim(pipeline, answer)


def test_the_figure_in_the_next_clause_is_quoted(pipeline: AnswerPipeline) -> None:
    answer = pipeline.ask("西湖区2024年行政诉讼调撤率是多少？")
    assert "调撤率33.51%" in answer.answer and answer.citations[0].region == "西湖区"
    _verbatim(pipeline, answer)


def test_an_effect_question_quotes_the_outcome(pipeline: AnswerPipeline) -> None:
    answer = pipeline.ask("诸暨的市领导包案化解机制效果如何？")
    assert "7件高败诉风险案件已全部成功" in answer.answer and {c.region for c in answer.citations} == {"诸暨市"}


def test_a_how_question_is_told_from_its_passage_opening(pipeline: AnswerPipeline) -> None:
    # The best clause (…交办"两难"问题146件) is two clauses into the passage under 三是三级联动解决"两难"问题。;
    # the passage's opening clause says how it works (钉钉群, 线上提交…), and the best clause still follows.
    answer = pipeline.ask("柯城区的“两难”问题三级联动是怎么运作的？")
    quotes = [c.quote for c in answer.citations]
    assert quotes[0].startswith("探索建立") and "钉钉群" in quotes[0]
    assert any("146件" in q for q in quotes[1:]) and {c.region for c in answer.citations} == {"柯城区"}
    _verbatim(pipeline, answer)


@pytest.mark.parametrize("question", ["诸暨和西湖的合法性审查事项哪个多？", "合法性审查事项总量，诸暨和西湖谁多"])
def test_a_comparison_quotes_each_place_figure_in_one_unit(pipeline: AnswerPipeline, question: str) -> None:
    """西湖's best clause on 合法性审查 is 编发3期《…专报》; the figure to set against 诸暨's 3749件 is 3442件."""
    answer = pipeline.ask(question)
    assert "3749件" in answer.answer and "3442件" in answer.answer
    assert {c.region for c in answer.citations} == {"诸暨市", "西湖区"}
    _verbatim(pipeline, answer)


def test_a_comparison_of_merit_quotes_each_place_without_a_figure(pipeline: AnswerPipeline) -> None:
    """最好 orders by merit, not amount: no place is reported silent for lack of a number."""
    answer = pipeline.ask("诸暨和西湖哪个法治政府建设做得最好？")
    assert "未见" not in answer.answer and {c.region for c in answer.citations} == {"诸暨市", "西湖区"}


@pytest.mark.parametrize("limit", [0, 300])
def test_the_large_corpus_candidate_cut_keeps_the_answers(pipeline: AnswerPipeline, limit: int,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Above FULL_FEATURES_LIMIT candidates (1000 reports) only the cheap-score winners get every feature; forced
    on the samples, list and figure answers stay what they are."""
    import answer.scoring as scoring

    monkeypatch.setattr(scoring, "FULL_FEATURES_LIMIT", limit)
    monkeypatch.setattr(scoring, "GLOBAL_KEEP", 40)
    answer = pipeline.ask("哪些报告提到了法律明白人？各有多少名？")
    assert "6405名" in answer.answer and "1083名" in answer.answer
    answer = pipeline.ask("哪些县设立了行政争议调解中心？")
    assert {"诸暨市", "柯城区", "西湖区"} <= {c.region for c in answer.citations}
    assert "7.22%" in pipeline.ask("西湖区2024年一审行政诉讼败诉率是多少？").answer


def test_row_scores_at_rows_match_a_dictionary_lookup() -> None:
    import numpy as np

    from index.types import RowScores

    scores = {3: 0.5, 10: 2.0, 0: 1.0}
    table = RowScores.of(list(scores.items()))
    rows = np.asarray([10, 4, 0, 3, 12, 3])
    assert table.at(rows, missing=-1.0).tolist() == [scores.get(int(r), -1.0) for r in rows]
    assert RowScores.empty().at(rows, missing=0.0).tolist() == [0.0] * 6 and len(table.at(rows[:0], 0.0)) == 0
    assert table.best() == 2.0 and RowScores.empty().best() == 0.0


def test_candidate_texts_find_what_a_loop_over_the_texts_finds(pipeline: AnswerPipeline) -> None:
    import numpy as np

    from answer.features import CandidateTexts, context_text, longest_runs

    units = pipeline.retriever.units
    candidates = np.random.default_rng(3).choice(len(units), size=len(units) // 2, replace=False)
    found = CandidateTexts(units, candidates)
    texts = [units.texts[i] for i in candidates]
    contexts = [context_text(units, int(i)) for i in candidates]
    parts = ["调解", "行政争议调解中心", "法律明白人", "2023年", "率", "", "败诉率7.22%", "a", "仲裁委员会",
             texts[0], texts[1][:9]]
    for part in parts:
        assert found.contains(part).tolist() == [part in t for t in texts], part
        assert found.contains(part, context=True).tolist() == [part in c for c in contexts], part

    def longest(fragments: list[str], text: str) -> float:  # by brute force, as a share of a phrase
        best = max((j - i for f in fragments for i in range(len(f)) for j in range(i + 2, len(f) + 1)
                    if f[i:j] in text), default=0)
        phrase = min(6, max(max((len(f) for f in fragments), default=1), 2))
        return min(1.0, best / phrase) if best >= 2 else 0.0

    for fragments in (["行政争议调解中心"], ["调解", "法律援助案件"], ["争"], []):
        assert longest_runs(fragments, found).tolist() == [longest(fragments, t) for t in texts]


@pytest.mark.parametrize("question", ["西湖区2024年行政复议收案多少件？", "2020年调解成功率是多少？",
                                      "去年的行政诉讼败诉率？"])
def test_the_year_column_is_each_units_year_agreement(pipeline: AnswerPipeline, question: str) -> None:
    import numpy as np

    from answer.features import CandidateTexts, _year_agreement, _year_column, context_text

    units, plan = pipeline.retriever.units, pipeline.plan(question)
    assert plan.years or plan.relative_years
    years = {source: meta.year for source, meta in pipeline.retriever.metas.items()}
    candidates = np.arange(len(units))
    expected = [_year_agreement(plan, units.texts[i], context_text(units, i),
                                years.get(units.sources[units.source_id[i]])) for i in range(len(units))]
    assert _year_column(plan, CandidateTexts(units, candidates), years).tolist() == expected
    assert {-1.0, 1.0} <= set(expected)


def test_a_follow_up_asking_which_and_how_many_more_quotes_both(pipeline: AnswerPipeline) -> None:
    answer = pipeline.ask("分别是哪些？明年计划再建多少家？", ["诸暨市创成了几个省级枫桥式司法所"])
    assert "店口" in answer.answer and "3家以上" in answer.answer and len(answer.citations) == 2


def test_a_synonym_in_the_report_still_counts(pipeline: AnswerPipeline) -> None:
    answer = pipeline.ask("哪些地方开展了企业“法治体检”？")
    assert "柯城区" in {c.region for c in answer.citations}  # its report says 线上线下体检企业493家


def test_a_place_elsewhere_in_short_form_abstains_with_passages(pipeline: AnswerPipeline) -> None:
    answer = pipeline.ask("深圳南山的行政复议纠错率")
    assert not answer.answerable and answer.citations == ()
    assert "深圳市" in answer.answer and "南山区" in answer.answer
    assert answer.passages, "an abstention still shows the nearest passages to look at"


def test_a_not_found_answer_shows_the_nearest_passages(pipeline: AnswerPipeline) -> None:
    answer = pipeline.ask("诸暨市2023年的GDP增长率是多少？")
    assert not answer.answerable and answer.citations == () and answer.passages


@pytest.mark.parametrize("name", ["dev", "heldout", "blind_a"])
def test_gold_sets_answered_without_wrong_sources(pipeline: AnswerPipeline, name: str) -> None:
    """dev and heldout were tuned on; blind_a was written blind and then used to fit the scorer (blind_b never)."""
    report_text = pipeline.retriever.index.report_text
    gold = load_gold(GOLD / f"{name}.jsonl", report_text)
    ask = pipeline_ask(pipeline)
    metrics = aggregate([score_question(q, ask(q), report_text) for q in gold])
    assert metrics.citation_validity == 1.0
    # Floors a little under the measured 1.000 / 1.000 / 0.964 (README): a regression fails, noise does not.
    assert metrics.fact_accuracy is not None and metrics.fact_accuracy >= (0.95 if name != "blind_a" else 0.93)
    assert metrics.abstention_accuracy >= 0.97


@pytest.mark.slow
def test_answers_do_not_change_when_questions_are_typed_other_ways(pipeline: AnswerPipeline) -> None:
    """Every variant family (request tails, colloquial wrappers, spaces, traditional characters…) keeps at least
    95% of the dev and blind_a answers as right (or as wrong) as the original question's."""
    report_text = pipeline.retriever.index.report_text
    ask = pipeline_ask(pipeline)
    places = PlaceForms.of_regions(pipeline.retriever.resolver.regions)
    for name in ("dev", "blind_a"):
        gold = load_gold(GOLD / f"{name}.jsonl", report_text)
        originals = [score_question(q, ask(q), report_text) for q in gold]
        results = run_variants(ask, gold, originals, report_text, places)
        assert [r.family for r in results] == [f.name for f in FAMILIES]
        for result in results:
            assert result.applicable > 0, f"{name}: {result.family} rewrote no question"
            assert result.invariance is not None and result.invariance >= 0.95, (name, result.to_json())


@pytest.mark.parametrize("question", ["柯城区在优化法治化营商环境方面做了哪些工作？", "柯城的营商环境是怎么优化的"])
def test_a_heading_naming_the_topic_is_answered_by_its_passages_points(pipeline: AnswerPipeline,
                                                                       question: str) -> None:
    # (三)转变政府职能,全面优化法治化营商环境 heads three items (一是…二是…三是…); the heading alone says nothing.
    answer = pipeline.ask(question)
    assert answer.answerable and "政企通" in answer.answer
    assert len(answer.citations) == 3 and not any(c.quote.startswith("(三)") for c in answer.citations)
    _verbatim(pipeline, answer)


def test_a_heading_asked_of_another_year_is_not_an_answer(pipeline: AnswerPipeline) -> None:
    answer = pipeline.ask("柯城区2019年优化营商环境是怎么做的")  # its report is on 2020
    assert not answer.answerable and answer.citations == ()


def test_a_point_runs_through_its_announcements_to_what_was_done(pipeline: AnswerPipeline) -> None:
    # 一是构建预防性产业合规。聚焦重点产业合规新探索。印发《诸暨市袜业产业合规工作方案》…
    answer = pipeline.ask("诸暨保障护企优商是怎么做的")
    assert answer.citations and "袜业产业合规工作方案" in answer.citations[0].quote
