"""Saved government web pages of four layouts yield the report text and none of the portal around it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from corpus.clean import IDENTITY_LINE
from corpus.ingest import ingest, samples_dir
from corpus.types import Report

SCRIPTS = """<script src="/js/jquery.min.js"></script>
<script>var _hmt = _hmt || []; document.write("统计代码");</script>
<style>body{font-family:"微软雅黑"} .nr p{text-indent:2em}</style>"""
MENU = ["首页", "政务公开", "政务服务", "互动交流", "走进政府", "专题专栏"]
RELATED = ["关于开展2024年“八五”普法中期评估的通知", "全市行政执法人员培训班顺利举办",
           "2023年度政府信息公开工作年度报告"]
FOOTER_ZJ = ("主办单位：诸暨市人民政府办公室 承办单位：诸暨市大数据发展中心",
             "网站标识码：3306810001 浙ICP备05026519号 浙公网安备 33068102000123号")
FURNITURE = ["统计代码", "font-family", "走进政府", "专题专栏", "当前位置", "分享到", "微博", "字体", "打印本页",
             "关闭窗口", "附件", "统计表.xlsx", "相关链接", "相关文件", "热点信息", *RELATED, "主办单位", "承办单位",
             "ICP备", "网站标识码", "公网安备", "网站地图", "上一篇", "下一篇", "信息公开目录", "扫一扫"]


def _paragraphs(report: Report, skip_title: bool) -> list[str]:
    """The article's paragraphs as a portal shows them: header rows (文号:…) are the page's, not the article's."""
    lines = [line for line in report.text.split("\n") if not IDENTITY_LINE.match(line)]
    return lines[1:] if skip_title else lines


def _links(titles: list[str], tag: str = "li") -> str:
    return "".join(f'<{tag}><a href="/art/2024/{i}.html" target="_blank">{t}</a></{tag}>' for i, t in enumerate(titles))


def table_portal(original: Report) -> str:
    """An old portal laid out in tables, no telltale class on the content cell; the title in a <font>."""
    body = "".join(f'<p style="text-indent:2em;line-height:2">{p}</p>' for p in _paragraphs(original, True))
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"><html><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>{original.meta.title}-诸暨市人民政府</title>
{SCRIPTS}</head><body>
<table width="1002" align="center" cellpadding="0" cellspacing="0"><tr><td><img src="/images/banner.jpg"></td></tr>
<tr><td class="dh">{" | ".join(f'<a href="/col/{i}/">{m}</a>' for i, m in enumerate(MENU))}</td></tr></table>
<table width="1002" align="center"><tr><td height="30">当前位置：<a href="/">首页</a>
 &gt; <a href="/col/1/">政务公开</a> &gt; <a href="/col/9/">部门文件</a></td></tr></table>
<table width="1002" align="center" bgcolor="#ffffff"><tr><td align="center" height="60"><font size="5" color="#c00000">
<b>{original.meta.title}</b></font></td></tr>
<tr><td align="center" style="border-bottom:1px dashed #ccc">2024-02-01 10:46 浏览次数:<span id="hits"></span>
 信息来源:市司法局(行政复议局) <span>【字体：<a href="javascript:doZoom(16)">大</a>
 <a href="javascript:doZoom(14)">中</a> <a href="javascript:doZoom(12)">小</a>】</span></td></tr>
<tr><td style="padding:20px;font-size:16px">{body}</td></tr>
<tr><td>附件：<a href="/module/download/downfile.jsp?filename=tongji.xlsx">诸暨市法治政府建设统计表.xlsx</a></td></tr>
<tr><td align="right">【<a href="javascript:window.print()">打印本页</a>】
【<a href="javascript:window.close()">关闭窗口</a>】</td></tr></table>
<table width="1002" align="center"><tr><td><b>相关链接</b></td></tr>
{"".join(f'<tr><td><a href="/art/{i}.html">{t}</a></td></tr>' for i, t in enumerate(RELATED))}</table>
<table width="1002" align="center" class="bottom_table"><tr><td align="center">{FOOTER_ZJ[0]}<br>{FOOTER_ZJ[1]}
<br><a href="/map.html">网站地图</a> | <a href="/lxwm.html">联系我们</a></td></tr></table>
</body></html>"""


def div_portal(original: Report) -> str:
    """A modern portal: an open-government info table, h1, an info bar with controls, the body in .TRS_Editor."""
    body = "".join(f"<p>{p}</p>" for p in _paragraphs(original, True))
    return f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{original.meta.title}</title>
{SCRIPTS}<link rel="stylesheet" href="/css/main.css"></head><body>
<header class="site-header"><div class="logo"><img src="/logo.png" alt="南安市人民政府"></div>
<form class="search"><input name="q"><button>搜索</button></form></header>
<nav class="main-nav"><ul>{_links(MENU)}</ul></nav>
<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a>
 &gt; <a href="/fzzf/">法治政府建设</a></div>
<div class="container"><div class="xxgk-info"><table>
<tr><th>索 引 号：</th><td>QZ07110-0101-2024-00002</td><th>备注/文号：</th><td>南司〔2024〕5号</td></tr>
<tr><th>发布机构：</th><td>南安市司法局</td><th>公文生成日期：</th><td>2024-02-26</td></tr></table></div>
<div class="article"><h1 class="article-title">{original.meta.title}</h1>
<div class="article-info"><span>时间：2024-02-28 11:45</span>
<span class="font-size">字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a></span>
<div class="share-box">分享到：<a class="wx">微信</a> <a class="wb">微博</a></div>
<a href="javascript:window.print()">打印本页</a></div>
<div class="article-content"><div class="TRS_Editor">{body}</div></div>
<div class="fujian"><p>附件：</p>
<ul><li><a href="/cms/files/2024/tongji.xlsx">南安市法治政府建设统计表.xlsx</a></li></ul></div>
<div class="xgwz"><h3>相关文件</h3><ul>{_links(RELATED)}</ul></div>
<div class="qrcode"><img src="/qr.png">扫一扫在手机打开当前页</div></div></div>
<footer class="site-footer"><p>主办单位：南安市人民政府办公室　承办单位：南安市信息中心</p>
<p>网站标识码：3505830001　闽ICP备06008282号　闽公网安备 35058302000101号</p></footer>
</body></html>"""


def plain_div_portal(original: Report, title: str) -> str:
    """Pinyin class names only (no 'content', 'article', 'nav'): a link column left, the body in div.nr."""
    body = "".join(f"<p>{p}</p>" for p in _paragraphs(original, False))
    return f"""<html><head><meta charset="utf-8"><title>{title}_衢州市柯城区人民政府</title>{SCRIPTS}</head><body>
<div class="top"><div class="logo"><img src="/logo.png"></div>
<div class="dh">{"".join(f"<a>{m}</a>" for m in MENU)}</div></div>
<div class="wz">您当前的位置：<a href="/">首页</a> &gt; <a href="/xxgk/">信息公开</a>
 &gt; <a>法治政府建设年度报告</a></div>
<div class="main"><div class="left"><div class="lm">信息公开目录</div><ul>{_links(RELATED * 3)}</ul></div>
<div class="right"><div class="tit">{title}</div>
<div class="xx">发布时间:2021-03-29 09:42 访问次数:<span>356</span> 发布机构: 信息来源:区府办
<span>【打印】</span><span>【关闭】</span></div>
<div class="nr"><div>{body}</div></div>
<div class="fx">分享到：<a>微信</a> <a>微博</a> <a>QQ空间</a></div>
<div class="sxp"><p>上一篇：<a>{RELATED[0]}</a></p><p>下一篇：<a>{RELATED[1]}</a></p></div>
<div class="xg"><div class="xgbt">相关文件</div><ul>{_links(RELATED)}</ul></div></div></div>
<div class="bottom"><p>主办单位：衢州市柯城区人民政府办公室　承办单位：衢州市柯城区大数据发展管理中心</p>
<p>网站标识码：3308020001　浙ICP备2021001234号　浙公网安备 33080202000123号</p>
<p><a>网站地图</a> | <a>联系我们</a></p></div></body></html>"""


def line_break_page(original: Report, title: str) -> str:
    """A page exported from a word processor: <br> between paragraphs, full-width spaces for the indent, <font>."""
    body = "<br>\n".join(f"　　{p}" for p in _paragraphs(original, False))
    return f"""<html><head><meta charset="gb2312"><title>{title}</title></head>
<body bgcolor="#f0f0f0"><div align="center"><table width="980"><tr><td>
<div style="float:right;width:240px"><div style="font-weight:bold">热点信息</div>{_links(RELATED, "div")}</div>
<div style="width:700px"><h2 align="center">{title}</h2>
<div align="center">来源：伊春市司法局　发布时间：2024-03-15　【字体：大 中 小】　【打印本页】</div>
<div style="font-size:16pt;line-height:28pt"><font face="仿宋_GB2312">{body}</font></div>
<div>上一篇：<a href="/1.html">{RELATED[2]}</a></div></div></td></tr></table>
<div style="text-align:center">主办单位：伊春市司法局　版权所有　技术支持：伊春市信息中心　黑ICP备05001234号</div></div>
</body></html>"""


def _without_header_rows(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not IDENTITY_LINE.match(line))


def _original(name: str) -> Report:
    return ingest([samples_dir() / name]).reports[0].report


@pytest.mark.parametrize("layout", ["table", "div", "plain-div", "line-breaks"])
def test_saved_page_yields_the_report_and_no_furniture(tmp_path: Path, layout: str) -> None:
    if layout == "table":
        original = _original("000_c72485a41b80a0ad.txt")
        page, expected = table_portal(original), original
    elif layout == "div":
        original = _original("001_531e4b9acb86f1c6.txt")
        page, expected = div_portal(original), original
    elif layout == "plain-div":
        original = _original("003_917064eeaefc5748.txt")
        title = "衢州市柯城区人民政府关于2020年法治政府建设工作情况的报告"
        page = plain_div_portal(original, title)
        expected = replace(original, text=f"{title}\n{original.text}",
                           meta=replace(original.meta, title=title, title_composed=False))
    else:
        original = _original("002_5b8302c1fcb28e66.txt")
        title = "伊春市司法局2023年法治政府建设情况报告"
        page = line_break_page(original, title)
        expected = replace(original, text=f"{title}\n{original.text}",
                           meta=replace(original.meta, title=title, title_composed=False, publish_date="2024-03-15"))
    encoding = "gb18030" if "gb2312" in page else "utf-8"
    (tmp_path / "page.html").write_bytes(page.encode(encoding))
    [item] = ingest([tmp_path]).reports
    report = item.report
    assert report.file_format == "html"
    # Header rows that say who issued the report are kept as written on each page (全角 or 半角 colon):
    # the rest of the text is the same.
    assert _without_header_rows(report.text) == _without_header_rows(expected.text)
    assert report.meta == expected.meta
    assert [s.path for s in report.sections if s.level] == [s.path for s in expected.sections if s.level]
    for furniture in FURNITURE:
        if furniture not in original.text:
            assert furniture not in report.text, furniture
