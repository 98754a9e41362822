"""Ingestion of the five bundled sample reports: metadata, outline, chunks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corpus.chunk import sentence_spans
from corpus.types import SECTION_KINDS, IngestResult

EXPECTED_META = {
    "000_c72485a41b80a0ad.txt": dict(
        title="诸暨市司法局2023年法治政府建设工作报告", issuing_body="诸暨市司法局", region="诸暨市",
        province="浙江省", prefecture="绍兴市", year=2023, publish_date="2024-02-01", doc_number=None,
        title_composed=False),
    "001_531e4b9acb86f1c6.txt": dict(
        title="南安市司法局2023年度法治政府建设情况", issuing_body="南安市司法局", region="南安市",
        province="福建省", prefecture="泉州市", year=2023, publish_date="2024-02-28",
        doc_number="南司〔2024〕5号", title_composed=False),
    "002_5b8302c1fcb28e66.txt": dict(
        title="伊春市司法局2023年法治政府建设工作报告", issuing_body="伊春市司法局", region="伊春市",
        province="黑龙江省", prefecture="伊春市", year=2023, publish_date=None, doc_number=None,
        title_composed=True),
    "003_917064eeaefc5748.txt": dict(
        title="衢州市柯城区人民政府2020年法治政府建设工作报告", issuing_body="衢州市柯城区人民政府",
        region="柯城区", province="浙江省", prefecture="衢州市", year=2020, publish_date="2021-03-29",
        doc_number=None, title_composed=True),
    "004_e5f05fa6786c6ba1.txt": dict(
        title="西湖区司法局2024年法治政府建设工作报告", issuing_body="西湖区司法局", region="西湖区",
        province="浙江省", prefecture="杭州市", year=2024, publish_date=None, doc_number=None,
        title_composed=True),
}

# Top-level outline of each sample: (heading label, kind).
EXPECTED_TOP_LEVEL = {
    "000_c72485a41b80a0ad.txt": [
        ("一、2023年度法治政府建设的主要举措和成效", "举措成效"), ("二、存在问题", "存在问题"),
        ("三、2024年度推进法治政府建设的主要安排", "工作安排")],
    "001_531e4b9acb86f1c6.txt": [
        ("一、从“规定”到“自选”转化,“两大创新”重心下沉精准着力", "举措成效"),
        ("三、从“差异”到“融合”推进,“三种服务”上下贯通联动发力", "举措成效"),
        ("四、从“并行”到“贯穿”推进,“四个规划”上下贯通联动发力", "举措成效")],
    "002_5b8302c1fcb28e66.txt": [
        ("一、推进法治政府建设的主要举措和成效", "举措成效"),
        ("二、推进法治政府建设中存在的问题不足", "存在问题"), ("三、2024年法治政府建设工作思路", "工作安排")],
    "003_917064eeaefc5748.txt": [
        ("一、主要举措与成效", "举措成效"), ("二、存在的问题", "存在问题"), ("三、下一步工作计划", "工作安排")],
    "004_e5f05fa6786c6ba1.txt": [
        ("一、2024年推进法治政府建设的主要举措和突出成效", "举措成效"),
        ("二、推进法治政府建设存在的不足和原因", "存在问题"),
        ("三、党政主要负责人履行推进法治建设第一责任人职责情况", "第一责任人履职"),
        ("四、2025年推进法治政府建设的主要安排", "工作安排")],
}
# How many sections each sample has at levels 2 ((一)) and 5 (一是).
EXPECTED_COUNTS = {
    "000_c72485a41b80a0ad.txt": (13, 15), "001_531e4b9acb86f1c6.txt": (0, 9),
    "002_5b8302c1fcb28e66.txt": (6, 8), "003_917064eeaefc5748.txt": (8, 19),
    "004_e5f05fa6786c6ba1.txt": (11, 3),
}


def test_all_samples_load_without_skips(samples: IngestResult) -> None:
    assert sorted(r.report.source for r in samples.reports) == sorted(EXPECTED_META)
    assert samples.skipped == ()


@pytest.mark.parametrize("source", sorted(EXPECTED_META))
def test_metadata(samples: IngestResult, source: str) -> None:
    meta = next(r.report.meta for r in samples.reports if r.report.source == source)
    for field, expected in EXPECTED_META[source].items():
        assert getattr(meta, field) == expected, field


@pytest.mark.parametrize("source", sorted(EXPECTED_TOP_LEVEL))
def test_outline(samples: IngestResult, source: str) -> None:
    report = next(r.report for r in samples.reports if r.report.source == source)
    top = [(s.labels[-1], s.kind) for s in report.sections if s.level == 1]
    assert top == EXPECTED_TOP_LEVEL[source]
    level2 = sum(1 for s in report.sections if s.level == 2)
    items = sum(1 for s in report.sections if s.level == 5)
    assert (level2, items) == EXPECTED_COUNTS[source]


def test_item_paths_and_kinds(sample_by_region: dict) -> None:
    report = sample_by_region["诸暨市"].report
    paths = [s.path for s in report.sections]
    assert "一、2023年度法治政府建设的主要举措和成效 › (一)党建引领,扎实推进队伍建设 › 二是规范法律服务队伍" in paths
    problems = [s for s in report.sections if s.kind == "存在问题"]
    assert {s.heading for s in problems if s.level == 2} == {
        "省级“枫桥式”司法所改造提升有待进一步加强", "一审行政争议化解力度有待进一步提升",
        "镇乡(街道)合法性审查队伍专业性有待进一步增加"}
    kecheng = sample_by_region["柯城区"].report
    duty = [s for s in kecheng.sections if s.kind == "第一责任人履职"]
    assert [s.marker for s in duty] == ["一是"]
    assert all(s.kind in SECTION_KINDS for r in sample_by_region.values() for s in r.report.sections)


def test_furniture_removed_and_body_kept(sample_by_region: dict) -> None:
    nanan = sample_by_region["南安市"].report.text
    for furniture in ("扫一扫在手机上查看当前页面", "附件下载", "相关解读", "媒体报道", "索 引 号", "公文生成日期"):
        assert furniture not in nanan
    assert nanan.endswith("南安市司法局\n2024年2月26日")
    # Header rows saying who issued the report and its number stay, verbatim, so answers can quote them.
    assert nanan.startswith("备注/文号:南司〔2024〕5号\n发布机构:南安市司法局\n南安市司法局2023年度法治政府建设情况")
    xihu = sample_by_region["西湖区"].report.text
    assert "![]()" not in xihu and not xihu.startswith("|")
    zhuji = sample_by_region["诸暨市"].report.text
    assert "浏览次数" not in zhuji and "\n信息来源:市司法局(行政复议局)\n" in zhuji
    assert "截止目前已调解案件5017件,涉案金额达9.55亿元。" in zhuji
    kecheng = sample_by_region["柯城区"].report.text
    assert "访问次数" not in kecheng and kecheng.startswith("发布时间:2021-03-29 09:42\n信息来源:区府办\n2020年,在市委")


def test_every_body_sentence_of_the_source_survives_cleaning(samples: IngestResult) -> None:
    furniture = re.compile(r"浏览次数|访问次数|信息来源|发布机构|发布时间|索\s*引\s*号|文号|公文生成日期|^时间:|"
                           r"扫一扫|附件下载|解读|媒体报道|^!\[")
    for item in samples.reports:
        raw = Path(item.report.path).read_text(encoding="utf-8")
        canonical = re.sub(r"\s+", "", item.report.text)
        for line in raw.splitlines():
            line = line.strip()
            if line and not furniture.search(line) and line.strip("|•") != "":
                assert re.sub(r"\s+", "", line) in canonical, line[:40]


def test_chunks_quote_the_canonical_text(samples: IngestResult) -> None:
    for item in samples.reports:
        text = item.report.text
        for chunk in item.chunks:
            assert text[chunk.start:chunk.end] == chunk.text
            assert chunk.chunk_id == f"{item.report.source}#{chunk.ordinal}"
            for start, end in chunk.sentence_spans:
                assert chunk.start <= start < end <= chunk.end


def test_no_chunk_crosses_a_section_boundary(samples: IngestResult) -> None:
    for item in samples.reports:
        sections = item.report.sections
        for chunk in item.chunks:
            section = sections[chunk.section_id]
            assert section.start <= chunk.start and chunk.end <= section.end
            assert chunk.section_path == section.path and chunk.section_kind == section.kind
            for child in sections:
                if child.parent_id == section.section_id:
                    assert not (chunk.start < child.end and child.start < chunk.end), child.path


def test_every_sentence_lands_in_exactly_one_chunk(samples: IngestResult) -> None:
    for item in samples.reports:
        text = item.report.text
        covered = [0] * len(text)
        for chunk in item.chunks:
            for i in range(chunk.start, chunk.end):
                covered[i] += 1
        assert all(c <= 1 for c in covered), "chunks overlap"
        for start, end in sentence_spans(text):
            holders = [c for c in item.chunks if c.start <= start and end <= c.end]
            assert len(holders) == 1, text[start:end][:40]
        assert all(covered[i] == 1 for i, ch in enumerate(text) if not ch.isspace())


def test_chunk_token_counts_are_bounded(samples: IngestResult) -> None:
    from corpus.tokens import count_tokens

    for item in samples.reports:
        for chunk in item.chunks:
            assert chunk.n_tokens == count_tokens(chunk.text)
            assert chunk.n_tokens <= 4 * 160
