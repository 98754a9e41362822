"""A corpus of crafted bad files, made on demand (deterministic): each refused or ingested, none fatal."""

from __future__ import annotations

import gzip
import io
import os
import random
import zipfile
from pathlib import Path

GOOD = ("诸暨市司法局2023年法治政府建设工作报告\n2023年,诸暨市司法局全面推进法治政府建设。\n一、主要举措和成效\n"
        "(一)化解行政争议。一是设立市行政争议调解中心。二是调解成功率达98%。\n二、存在问题\n基层力量薄弱。\n")


def _docx(body_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         b'package/2006/content-types"/>')
        archive.writestr("word/document.xml", body_xml)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _pdf(text: str) -> bytes:
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET"
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               "/Resources << /Font << /F1 5 0 R >> >> >>",
               f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = "%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n" + "".join(f"{o:010d} 00000 n \n" for o in offsets)
    return (out + f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").encode()


def make_hostile_corpus(folder: Path, outside: Path) -> dict[str, str]:
    """Write the files; returns file name -> "ok" or the words its skip reason must contain."""
    rng = random.Random(13)
    folder.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str] = {}

    def put(name: str, data: bytes | str, expectation: str) -> None:
        (folder / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        expected[name] = expectation

    put("good.txt", GOOD, "ok")
    put("good-gbk.txt", GOOD.replace("诸暨", "南安").encode("gbk"), "ok")
    put("binary.txt", bytes(rng.randrange(256) for _ in range(20000)), "binary")
    put("nul-bytes.md", b"\x00\x01\x02" * 1000, "binary")
    put("utf16-no-bom.txt", GOOD.encode("utf-16-le"), "binary")
    put("gzip-named.txt", gzip.compress(GOOD.encode()), "binary")
    put("invalid-utf8.txt", b"\xff\xfe\xfd\xfc" * 3000, "binary")
    put("mixed-encoding.txt", GOOD.encode("utf-8") + GOOD.encode("gbk"), "any")  # GB18030 mojibake, or refused
    put("empty.txt", b"", "empty file")
    put("empty.md", b"", "empty file")
    put("empty.html", b"", "empty file")
    put("empty.docx", b"", "empty file")
    put("empty.pdf", b"", "empty file")
    put("blank.txt", " \n\t\n\u3000\n", "no report text")
    put("furniture-only.txt", "扫一扫在手机上查看当前页面\n附件下载\n相关解读\n", "no report text")
    put("big-50mb.txt", b"a" * (50 * 1024 * 1024), "over the limit")
    put("one-long-line.txt", "法治" * 400_000, "ok")  # 800,000 characters, no punctuation at all
    put("many-headings.txt", "".join(f"{'一二三四五六七八九十'[i % 10]}、标题{i}\n" for i in range(20000)), "ok")
    put("nested.html", "<html><body>" + "<div>" * 50_000 + GOOD + "</div>" * 50_000 + "</body></html>", "ok")
    put("script-only.html", "<html><script>" + "var x=1;" * 1000 + "</script></html>", "no report text")
    put("malformed.html", "<html><body><p>" + GOOD + "<div><span></p></table>", "ok")
    put("many-scripts.html", "<p>" + GOOD + "</p>" + "<script>alert(1)</script>" * 5000, "ok")
    put("truncated.pdf", _pdf("Annual report")[:200], "corrupt PDF")
    put("header-only.pdf", b"%PDF-1.7\n", "PDF")
    put("garbage.pdf", b"%PDF-1.4\n" + bytes(rng.randrange(256) for _ in range(5000)), "PDF")
    put("no-text.pdf", _pdf(""), "no text layer")
    put("truncated.docx", _docx(b"<w:document/>")[:100], "corrupt .docx")
    put("not-a-zip.docx", b"PK\x03\x04 definitely not a zip", "corrupt .docx")
    put("zip-without-document.docx", zipfile_without_document(), "corrupt .docx")
    put("bomb.docx", _docx(b"<w:document>" + b" " * (300 * 1024 * 1024) + b"</w:document>"), "inflates to")
    put("evil.exe", b"MZ" + bytes(100), "unsupported file type")
    put("table.xlsx", b"PK\x03\x04", "unsupported file type")
    put("old.doc", b"\xd0\xcf\x11\xe0", "unsupported file type")
    put("no-extension", GOOD, "unsupported file type")
    put("..%2F..%2Fescape.txt", GOOD, "hidden file")  # a name that spells a path stays a name, and a dotfile
    put("escape..%2F..%2F.txt", GOOD.replace("诸暨", "伊春"), "ok")
    put("bell\x07name.txt", GOOD, "control characters")
    long_name = "很长的文件名" * 13 + ".txt"  # 78 characters, 236 bytes
    put(long_name, GOOD.replace("诸暨", "柯城"), "ok")
    (folder / "folder.txt").mkdir()
    (outside / "secret.txt").write_text(GOOD, encoding="utf-8")
    os.symlink(outside / "secret.txt", folder / "link-out.txt")
    expected["link-out.txt"] = "outside the corpus folder"
    os.symlink(folder / "loop-b.txt", folder / "loop-a.txt")
    os.symlink(folder / "loop-a.txt", folder / "loop-b.txt")
    expected["loop-a.txt"] = expected["loop-b.txt"] = "not a regular file"
    return expected


def zipfile_without_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "no word document here")
    return buffer.getvalue()
