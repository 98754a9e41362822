"""Precedent wording: bare headings are not wording, near-duplicates fold with a count."""

from __future__ import annotations

from pathlib import Path

import pytest

from answer.pipeline import AnswerPipeline
from answer.wording import find_wording
from corpus.sections import is_heading_only
from corpus.types import IngestResult, Report
from index.build import update_index
from index.search import SearchIndex
from tests.fakes import SAMPLES, HashEmbedder, sample_corpus


def _report(samples: IngestResult, region: str) -> Report:
    return next(item.report for item in samples.reports if item.report.meta.region == region)


def _span(report: Report, sentence: str) -> tuple[int, int]:
    start = report.text.index(sentence)
    return start, start + len(sentence)


@pytest.mark.parametrize("sentence", ["二是做实行政争议化解。", "(三)加强行政争议实质化解。", "三是培优人民调解队伍。"])
def test_a_heading_or_item_label_alone_is_recognised(samples: IngestResult, sentence: str) -> None:
    report = _report(samples, "诸暨市")
    start, end = _span(report, sentence)
    assert is_heading_only(sentence, start, end, report.sections)


@pytest.mark.parametrize("region, sentence", [
    ("诸暨市", "联合法院、市行政争议调解中心、市级职能部门、属地镇乡(街道)等多元力量"
               "引导当事人通过非诉讼方式化解争议。"),
    ("西湖区", "充实人民调解力量。"),  # a run-in lead sentence, not a node of the section tree
])
def test_a_sentence_with_content_is_not_a_heading(samples: IngestResult, region: str, sentence: str) -> None:
    report = _report(samples, region)
    start, end = _span(report, sentence)
    assert not is_heading_only(sentence, start, end, report.sections)


def test_a_heading_elsewhere_in_the_text_does_not_count(samples: IngestResult) -> None:
    report = _report(samples, "诸暨市")
    start, end = _span(report, "二是做实行政争议化解。")
    assert not is_heading_only("二是做实行政争议化解。", start + 1, end + 1, report.sections)
    assert not is_heading_only("二是做实行政争议化解。", start, end, ())


def test_find_wording_lists_no_bare_heading_and_folds_a_copy_with_other_figures(tmp_path: Path) -> None:
    corpus = sample_corpus(tmp_path / "corpus", SAMPLES)
    xihu = next(p for p in SAMPLES if "人民调解案件共受理13009件" in p.read_text(encoding="utf-8"))
    copy = xihu.read_text(encoding="utf-8").replace("西湖区", "上城区").replace("13009", "12001")
    (corpus / "上城区副本.txt").write_text(copy, encoding="utf-8")
    update_index(tmp_path / "index", [corpus], HashEmbedder())
    pipeline = AnswerPipeline(SearchIndex.open(tmp_path / "index", HashEmbedder()))
    hits = find_wording(pipeline.retriever, "人民调解")
    assert hits and not any(h.text in ("三是培优人民调解队伍。", "二是做实行政争议化解。") for h in hits)
    [folded] = [h for h in hits if "人民调解案件共受理" in h.text]
    assert folded.count == 2 and {folded.source, *(s for s, _ in folded.variants)} == {xihu.name, "上城区副本.txt"}
