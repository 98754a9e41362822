"""A figure stated only in a table of a .docx report is found, quoted (as its header-named row) and cited."""

from __future__ import annotations

from pathlib import Path

from answer.pipeline import AnswerPipeline
from index.build import update_index
from index.search import SearchIndex
from tests.fakes import SAMPLES, HashEmbedder, sample_corpus


def _report_with_a_table(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("诸暨市司法局2023年法治政府建设工作报告")
    document.add_paragraph("一、主要举措和成效")
    document.add_paragraph("全市行政机关负责人出庭应诉工作扎实推进，行政诉讼各项指标见下表。")
    rows = [["指标", "2023年", "2022年"], ["行政诉讼败诉率", "2.21%", "3.15%"], ["负责人出庭应诉率", "100%", "98.6%"]]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("二、存在问题")
    document.add_paragraph("基层法治力量仍较薄弱。")
    document.save(str(path))
    return path


def test_a_figure_only_in_a_docx_table_is_answered(tmp_path: Path) -> None:
    corpus = sample_corpus(tmp_path / "corpus", [s for s in SAMPLES if not s.name.startswith("000_")])
    source = _report_with_a_table(corpus / "诸暨市2023年报告.docx").name
    embedder = HashEmbedder()
    update_index(tmp_path / "index", [corpus], embedder)
    pipeline = AnswerPipeline(SearchIndex.open(tmp_path / "index", embedder))
    report = pipeline.retriever.report(source)
    assert report is not None and report.text.count("2.21%") == 1  # in the table row only

    answer = pipeline.ask("诸暨市2023年行政诉讼败诉率是多少？")
    assert answer.answerable and "2.21%" in answer.answer, answer.answer
    citation = answer.citations[0]
    assert citation.source == source and citation.region == "诸暨市"
    assert "指标：行政诉讼败诉率；2023年：2.21%" in citation.quote
    assert report.text[citation.start:citation.end] == citation.quote and citation.page is None
