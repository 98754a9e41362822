"""Loading every format, and clear per-file errors for bad input with nothing else lost."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from corpus.ingest import IngestOptions, ingest, samples_dir
from corpus.load import IngestError, read_document

ZHUJI = samples_dir() / "000_c72485a41b80a0ad.txt"
TABLE = [["指标", "2023年", "2022年"], ["败诉率", "2.21%", "3.1%"], ["出庭应诉率", "100%", "98.6%"]]
TABLE_LINES = ["指标：败诉率；2023年：2.21%；2022年：3.1%", "指标：出庭应诉率；2023年：100%；2022年：98.6%"]
BODY = "一、主要举措和成效\n(一)强化调解。一是设立行政争议调解中心。二是调解成功率达98%。\n二、存在问题\n基层力量薄弱。"


def _pdf_with_text(lines: list[str]) -> bytes:
    """A minimal one-page PDF whose text layer holds the given ASCII lines."""
    stream = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = "%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("latin-1")


def test_utf8_with_and_without_bom_and_gbk_read_the_same(tmp_path: Path) -> None:
    (tmp_path / "plain.txt").write_bytes(BODY.encode("utf-8"))
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + BODY.encode("utf-8"))
    (tmp_path / "gbk.txt").write_bytes(BODY.encode("gbk"))
    (tmp_path / "gb18030.md").write_bytes(BODY.encode("gb18030"))
    texts = {p.name: read_document(p).text for p in tmp_path.iterdir()}
    assert set(texts.values()) == {BODY}


def test_gbk_file_named_txt_ingests_with_metadata(tmp_path: Path) -> None:
    shutil.copy(ZHUJI, tmp_path / "zhuji.txt")
    raw = ZHUJI.read_text(encoding="utf-8")
    (tmp_path / "zhuji.txt").write_bytes(raw.encode("gb18030"))
    result = ingest([tmp_path])
    assert result.skipped == ()
    assert result.reports[0].report.meta.region == "诸暨市"
    assert "行政争议调解中心" in result.reports[0].report.text


def test_html_keeps_main_text_only(tmp_path: Path) -> None:
    page = f"""<html><head><title>诸暨市司法局2023年法治政府建设工作报告</title>
    <style>.x{{color:red}}</style><script>var tracker = "不应出现的脚本文字";</script></head>
    <body><nav class="nav">首页 > 政务公开 > 导航栏文字</nav><div class="breadcrumb">当前位置:首页</div>
    <div class="article"><p>2023年,诸暨市司法局全面推进法治政府建设。</p>
    {"".join(f"<p>{line}</p>" for line in BODY.splitlines())}
    <p>扫一扫在手机上查看当前页面</p></div>
    <footer>版权所有 页脚文字</footer><script>alert('x')</script></body></html>"""
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    result = ingest([tmp_path])
    report = result.reports[0].report
    assert "不应出现的脚本文字" not in report.text and "alert" not in report.text
    assert "导航栏文字" not in report.text and "页脚文字" not in report.text and "color" not in report.text
    assert "扫一扫" not in report.text
    assert "一是设立行政争议调解中心。" in report.text
    assert report.meta.title == "诸暨市司法局2023年法治政府建设工作报告"
    assert report.meta.region == "诸暨市" and report.file_format == "html"
    assert [s.heading for s in report.sections if s.level == 1] == ["主要举措和成效", "存在问题"]


def test_docx_paragraphs_and_tables(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("南安市司法局2023年度法治政府建设情况")
    for line in BODY.splitlines()[:2]:
        document.add_paragraph(line)
    document.add_paragraph("行政诉讼情况见下表。")
    table = document.add_table(rows=3, cols=3)
    for row, cells in zip(table.rows, TABLE, strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    for line in BODY.splitlines()[2:]:
        document.add_paragraph(line)
    single = document.add_table(rows=1, cols=2)
    single.rows[0].cells[0].text = "调解案件"
    single.rows[0].cells[1].text = "8612件"
    document.save(str(tmp_path / "report.docx"))
    report = ingest([tmp_path]).reports[0].report
    assert report.meta.title == "南安市司法局2023年度法治政府建设情况"
    assert report.meta.region == "南安市" and report.meta.year == 2023
    # The figures exist only in the table: each row comes out as one line, at the table's place.
    assert "行政诉讼情况见下表。\n" + "\n".join(TABLE_LINES) + "\n二、存在问题" in report.text
    assert "二是调解成功率达98%。" in report.text and report.text.endswith("调解案件；8612件")


def test_pdf_text_layer_with_wrapped_lines_rejoined(tmp_path: Path) -> None:
    (tmp_path / "report.pdf").write_bytes(_pdf_with_text([
        "Annual report on law-based government, 2023", "The bureau opened an administrative dispute",
        "mediation centre and handled 42 cases.", "It trained 600 staff."]))
    document = read_document(tmp_path / "report.pdf")
    assert document.file_format == "pdf"
    assert "mediation centre and handled 42 cases." in document.text
    assert "It trained 600 staff." in document.text


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("empty.txt", b"", "empty file"),
    ("binary.txt", bytes(range(256)) * 40, "binary file"),
    ("random.txt", bytes((i * 7919 + 13) % 251 + 5 for i in range(5000)), "binary or undecodable"),
    ("broken.docx", b"PK\x03\x04 this is not really a zip archive", "corrupt .docx"),
    ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage", "corrupt PDF"),
    ("notes.xlsx", b"whatever", "unsupported file type '.xlsx'"),
    ("furniture.txt", "扫一扫在手机上查看当前页面\n附件下载\n".encode(), "no report text after cleaning"),
])
def test_bad_files_are_skipped_with_a_reason_and_good_ones_kept(
        tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    shutil.copy(ZHUJI, tmp_path / ZHUJI.name)
    (tmp_path / name).write_bytes(content)
    result = ingest([tmp_path])
    assert [r.report.source for r in result.reports] == [ZHUJI.name]
    assert len(result.skipped) == 1
    assert result.skipped[0].path.endswith(name)
    assert reason in result.skipped[0].reason


def test_oversized_file_is_refused_under_the_configured_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(("很长的报告。" * 200_000).encode("utf-8"))
    with pytest.raises(IngestError, match=r"big.txt: file is 3.4 MB, over the limit of 1 MB"):
        read_document(big, max_file_mb=1)
    result = ingest([tmp_path], IngestOptions(max_file_mb=1))
    assert "over the limit" in result.skipped[0].reason and not result.reports
    assert ingest([tmp_path], IngestOptions(max_file_mb=5)).reports


def test_docx_zip_bomb_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (30 * 1024 * 1024))
    with pytest.raises(IngestError, match="inflates to"):
        read_document(bomb, max_file_mb=1)


def test_missing_path_is_reported(tmp_path: Path) -> None:
    result = ingest([tmp_path / "nope"])
    assert result.skipped[0].reason == "no such file or folder"


def test_sidecar_overrides_inferred_fields(tmp_path: Path) -> None:
    shutil.copy(ZHUJI, tmp_path / "a.txt")
    (tmp_path / "a.meta.json").write_text(json.dumps({"year": 2022, "issuing_body": "诸暨市人民政府"}))
    shutil.copy(samples_dir() / "004_e5f05fa6786c6ba1.txt", tmp_path / "b.txt")
    (tmp_path / "b.yaml").write_text("region: 西湖区\ntitle: 西湖区2024年法治政府建设年度报告\n", encoding="utf-8")
    result = ingest([tmp_path])
    assert result.skipped == ()
    meta = {r.report.source: r.report.meta for r in result.reports}
    assert meta["a.txt"].year == 2022 and meta["a.txt"].issuing_body == "诸暨市人民政府"
    assert meta["a.txt"].region == "诸暨市"  # untouched fields stay inferred
    assert meta["b.txt"].title == "西湖区2024年法治政府建设年度报告" and not meta["b.txt"].title_composed
    assert meta["b.txt"].prefecture == "杭州市"


def test_invalid_sidecar_names_the_file_and_field(tmp_path: Path) -> None:
    shutil.copy(ZHUJI, tmp_path / "a.txt")
    (tmp_path / "a.meta.json").write_text(json.dumps({"yeer": 2022}))
    result = ingest([tmp_path])
    assert not result.reports
    assert result.skipped[0].path.endswith("a.meta.json") and "yeer" in result.skipped[0].reason


@pytest.mark.parametrize(("title", "region", "prefecture"), [
    ("临龙县司法局2021年法治政府建设工作报告", "临龙县", None),  # a division the gazetteer does not know
    ("金凤县司法局2022年法治政府建设工作报告", "金凤县", None),  # not the known 凤县 its name ends with
    ("杭州市新设区司法局2023年法治政府建设工作报告", "新设区", "杭州市"),  # a known parent, read as such
    ("杭州市西湖区司法局2024年法治政府建设工作报告", "西湖区", "杭州市"),  # known: the gazetteer decides
])
def test_the_region_is_the_issuers_place_even_when_the_text_names_others_more(
        tmp_path: Path, title: str, region: str, prefecture: str | None) -> None:
    body = "杭州市深化“枫桥经验”，杭州市各部门联合推进行政争议调解。杭州市西湖区开展普法宣传。铁力市设立调解中心。"
    (tmp_path / "r.txt").write_text(f"{title}\n\n一、主要工作\n{body}\n", encoding="utf-8")
    meta = ingest([tmp_path]).reports[0].report.meta
    assert (meta.region, meta.prefecture) == (region, prefecture)


def test_an_issuer_read_from_running_text_does_not_name_the_region(tmp_path: Path) -> None:
    (tmp_path / "r.txt").write_text("2023年我市司法局扎实推进法治建设。\n诸暨市深化“枫桥经验”，诸暨市各部门联合推进"
                                    "行政争议调解，诸暨市法治建设取得成效。\n", encoding="utf-8")
    assert ingest([tmp_path]).reports[0].report.meta.region == "诸暨市"
