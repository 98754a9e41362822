"""Figure statements of the sample reports: values, units, indicators, clause spans; what is not a figure."""

from __future__ import annotations

from pathlib import Path

from corpus.figures import extract_figures
from corpus.types import IngestResult
from eval.figures import ExtractedFigure, load_gold_figures, score_figures

GOLD = Path(__file__).resolve().parents[2] / "eval" / "gold" / "figures.jsonl"


def test_samples_meet_the_gold_set(samples: IngestResult) -> None:
    extracted = [ExtractedFigure(item.report.source, f.indicator, f.value, f.unit)
                 for item in samples.reports for f in extract_figures(item.report.text)]
    scores = score_figures(extracted, load_gold_figures(GOLD))
    assert scores.precision >= 0.95 and scores.recall >= 0.9, (scores.precision, scores.recall)


def test_clause_span_quotes_the_report(sample_by_region: dict) -> None:
    report = sample_by_region["诸暨市"].report
    rates = [f for f in extract_figures(report.text) if "败诉率" in f.indicator]
    assert [(f.value, f.unit) for f in rates] == [(2.21, "%")]
    assert report.text[rates[0].start:rates[0].end] == "逐年压降全市一审行政诉讼败诉率至2023年底2.21%"
    assert rates[0].qualifier == "至2023年底"
    for item in sample_by_region.values():
        for figure in extract_figures(item.report.text):
            clause = item.report.text[figure.start:figure.end]
            assert figure.start <= figure.number_start < figure.end and figure.value_text in clause


def test_indicator_before_or_after_the_figure() -> None:
    assert [(f.indicator, f.value, f.unit, f.approx) for f in extract_figures("调解成功率99.78%。")] == [
        ("调解成功率", 99.78, "%", False)]
    hired = extract_figures("聘请15名法治政府建设特邀监督员参与卷宗评查。")[0]
    assert "特邀监督员" in hired.indicator and hired.unit == "名"
    amount = extract_figures("依据清单减轻当事人经济负担2100多万元。")[0]
    assert (amount.value, amount.unit, amount.approx) == (2100.0, "万元", True)
    pair = extract_figures("受理群体性劳动争议案件5批73人次,涉案金额240余万元。")
    cases = "受理群体性劳动争议案件"
    assert [(f.indicator, f.unit) for f in pair] == [(cases, "批"), (cases, "人次"), ("涉案金额", "万元")]
    fell = extract_figures("社工年流失率从21.15%下降到3.85%。")
    assert [(f.indicator, f.value) for f in fell] == [("社工年流失率", 21.15), ("社工年流失率", 3.85)]


def test_years_dates_ordinals_and_names_are_not_figures() -> None:
    text = ("2023年4月12日召开第3次会议，编印《企业法律风险防范62则》，落实“民营经济32条”，"
            "开通12345热线，以“枫桥经验”60周年为切入点。")
    assert extract_figures(text) == []


def test_table_rows_name_indicator_and_period() -> None:
    text = "一、主要成效\n指标：败诉率；2023年：2.21%；2022年：3.1%\n类别：行政复议；案件数：312件\n"
    rows = [(f.indicator, f.value, f.unit, f.qualifier) for f in extract_figures(text)]
    assert rows == [("败诉率", 2.21, "%", "2023年"), ("败诉率", 3.1, "%", "2022年"), ("案件数", 312.0, "件", "")]
