"""HTML reader: charset decoding (GB18030 labelled gb2312), portal chrome removal, tables with spans."""

from nianbao.readers import read_document
from nianbao.readers.html import decode_html, read_html
from nianbao.render.html import render_html
from nianbao.render.samples import report_2019, same_tables


def test_gb18030_page_labelled_gb2312_keeps_whole_table():
    doc = report_2019()
    doc.tables[1].cells[0].text = "喆•𠮷 勾稽关系"  # GBK-only 喆, 4-byte GB18030 • and 𠮷
    page = render_html(doc, encoding="gb18030", charset_label="gb2312")
    assert b"charset=gb2312" in page
    try:
        page.decode("gb2312")
        raise AssertionError("fixture must not be valid GB2312")
    except UnicodeDecodeError:
        pass
    got = read_document(page, "report.html")
    assert got.format == "html" and got.encoding == "gb18030"
    assert same_tables(doc, got) == []
    assert got.tables[1].cells[0].text == "喆•𠮷 勾稽关系"
    assert "U+FFFD" not in got.text and "\ufffd" not in got.text
    assert got.blocks[-1].text.startswith("2019年，我局政府信息公开工作")  # nothing truncated after the tables


def test_portal_page_keeps_content_drops_chrome_and_metadata_table():
    doc = report_2019()
    page = render_html(
        doc,
        portal=True,
        index_no="11370826004323472M/2020-00012",
        publisher="微山县科技局",
        date="2020-01-20",
        title="微山县科技局2019年政府信息公开工作年度报告",
    )
    got = read_html(page)
    assert same_tables(doc, got) == []  # the 索引号 box is not a table of the document
    assert len(got.tables) == 3
    for chrome in ("首页", "当前位置", "统计代码", "版权所有", "索引号", "text-indent"):
        assert chrome not in got.text, chrome
    paras = [b.text for b in got.blocks if not hasattr(b, "cells")]
    assert paras[0] == "微山县科技局2019年政府信息公开工作年度报告"  # the title outside the container is kept
    assert "某县科技局政府信息公开工作年度报告" in paras
    assert got.meta["索引号"] == "11370826004323472M/2020-00012"
    assert got.meta["发布机构"] == "微山县科技局"
    assert got.meta["发文日期"] == "2020-01-20"


def test_word_style_cells_nbsp_br_and_spans():
    page = """<html><head><meta charset="utf-8"></head><body><div id="zoom">
    <p>三、收到和处理政府信息公开申请情况</p>
    <table border=1><tbody>
    <tr><td rowspan="2" colspan="2">&nbsp;</td><td colspan=2><p>申请人</p><p>情况</p></td></tr>
    <tr><td>商业<br>企业</td><td>总&nbsp;计</td></tr>
    <tr><td rowspan=9>三<br>、<br>本年</td><td>予以公开</td><td>1</td><td>２</td></tr>
    <tr><td>不予公开</td><td>—</td><td></td></tr>
    </tbody></table><p>第二段
    文字</p></div></body></html>""".encode()
    got = read_html(page)
    t = got.tables[0]
    assert [(c.row, c.col, c.rowspan, c.colspan, c.text) for c in t.cells] == [
        (0, 0, 2, 2, ""),
        (0, 2, 1, 2, "申请人\n情况"),
        (1, 2, 1, 1, "商业\n企业"),
        (1, 3, 1, 1, "总 计"),
        (2, 0, 2, 1, "三\n、\n本年"),
        (2, 1, 1, 1, "予以公开"),
        (2, 2, 1, 1, "1"),
        (2, 3, 1, 1, "２"),
        (3, 1, 1, 1, "不予公开"),
        (3, 2, 1, 1, "—"),
        (3, 3, 1, 1, ""),
    ]  # rowspan 9 clipped to the table
    assert got.blocks[-1].text == "第二段文字"  # a source line break between CJK characters is no space


def test_decode_order_bom_meta_utf8_gb18030():
    assert decode_html("\ufeff<p>中文</p>".encode("utf-8"))[1] == "utf-8"
    assert decode_html('<meta charset="GBK"><p>喆</p>'.encode("gb18030")) == (
        '<meta charset="GBK"><p>喆</p>',
        "gb18030",
    )
    assert decode_html("<p>没有声明</p>".encode())[1] == "utf-8"
    assert decode_html("<p>没有声明的国标页面</p>".encode("gb18030"))[1] == "gb18030"
    # declared utf-8 but really GB18030: strict decoding falls through to GB18030
    text, enc = decode_html('<meta charset="utf-8"><p>政府信息公开</p>'.encode("gb18030"))
    assert enc == "gb18030" and "政府信息公开" in text


def test_container_fallback_to_densest_block():
    page = (
        "<html><body><div class='topbar'><a href='/'>首页</a> <a href='/a'>政务公开</a></div>"
        "<div><div><p>本报告根据条例要求编制，所列数据统计期限自2019年1月1日起。</p>"
        "<p>全年主动公开政府信息140条，依申请公开工作规范有序。</p></div></div>"
        "<div class='links'><a href='/b'>友情链接一</a><a href='/c'>友情链接二</a></div></body></html>"
    ).encode()
    got = read_html(page)
    assert [b.text for b in got.blocks] == [
        "本报告根据条例要求编制，所列数据统计期限自2019年1月1日起。",
        "全年主动公开政府信息140条，依申请公开工作规范有序。",
    ]
