"""Metadata from wherever a page carries it, and not-an-annual-report both ways: small hand-written documents."""

from pathlib import Path

import pytest

from nianbao.document import Cell, Document, Paragraph, Table
from nianbao.extract import extract_bytes
from nianbao.parse.metadata import parse_metadata
from nianbao.readers.html import read_html
from nianbao.readers.text import read_text
from nianbao.regions import resolve, towns

ROOT = Path(__file__).resolve().parents[1]
BODY = (
    "一、总体情况 本年度我局认真贯彻落实《中华人民共和国政府信息公开条例》。二、主动公开政府信息情况 本年度主动公开政府信息"
    "120条。三、收到和处理政府信息公开申请情况 本年度未收到政府信息公开申请。四、政府信息公开行政复议、行政诉讼情况 "
    "本年度未发生行政复议、行政诉讼。"
)


def _meta_text(text: str) -> dict:
    return parse_metadata(read_text(text.encode("utf-8")))


def test_crawler_header_lines_give_date_and_the_title_gives_the_body():
    """A crawler's 发布机构 is often the portal's owner: the title's body wins; the date comes from 发布时间."""
    m = _meta_text(
        "标题: 某某县交通运输局2014年政府信息公开年度报告\n发布时间: 2014-12-25 00:00\n文号: \n"
        "发布机构: 某某县人民政府\n==================== 正文 ====================\n" + BODY + "\n"
    )
    assert m["agency"] == "某某县交通运输局"
    assert m["published_on"] == "2014-12-25" and m["published_from"] == "page"
    assert m["report_year"] == 2014


def test_a_portal_box_saved_as_pipe_text():
    m = _meta_text(
        "当前位置 : 首页 |\n|\n索引号: | /2015-1 | 公开方式: | 主动公开 |\n文号: | 公开日期: | 2015-07-27 10:52 | |\n"
        "发布单位: | 某某镇 |\n政府信息公开工作年度报告 | ||\n" + BODY + " |\n"
    )
    assert m["agency"] == "某某镇"
    assert m["published_on"] == "2015-07-27"


def test_html_meta_tags_and_a_title_naming_only_a_place():
    page = (
        "<html><head><meta name='ArticleTitle' content='某某新区2019年度政府信息公开工作年度报告'>"
        "<meta name='PubDate' content='2020-01-20 15:22'><meta name='Author' content='某某新区管委会'></head>"
        f"<body><div class='TRS_Editor'><p>{BODY}</p></div></body></html>"
    )
    m = parse_metadata(read_html(page.encode("utf-8")))
    assert m["agency"] == "某某新区管委会"
    assert m["published_on"] == "2020-01-20"
    assert m["report_year"] == 2019


def test_body_on_the_line_above_a_title_that_does_not_name_it():
    m = _meta_text("淮安市人民政府\n2024 年政府信息公开工作年度报告\n" + BODY + "\n")
    assert m["agency"] == "淮安市人民政府"
    assert m["region"]["city"] == "淮安市"


def test_markdown_title_and_signature_date_in_chinese_numerals():
    m = _meta_text(
        "# 某某县人民政府2020年政府信息公开工作年度报告\n\n" + BODY + "\n\n某某县人民政府\n二〇二一年一月二十日\n"
    )
    assert m["agency"] == "某某县人民政府"
    assert m["published_on"] == "2021-01-20" and m["published_from"] == "text"


def test_report_year_from_the_body_when_the_title_has_none():
    m = _meta_text(
        "政府信息公开工作年度报告\n本报告所列数据的统计期限自2020年1月1日起至2020年12月31日止。" + BODY + "\n"
    )
    assert m["report_year"] == 2020


def test_title_in_a_layout_table_cell():
    table = Table(
        cells=[
            Cell(0, 0, "发布单位:"),
            Cell(0, 1, "某某局"),
            Cell(1, 0, "某某县水利局2016年政府信息公开工作年度报告"),
            Cell(2, 0, BODY),
        ]
    )
    m = parse_metadata(Document.from_blocks([Paragraph("当前位置：首页"), table]))
    assert m["agency"] == "某某县水利局"
    assert m["report_year"] == 2016


def test_a_county_name_with_a_look_alike_misprint():
    """OCR prints 毫 for 亳: the body's name still places it, as no place is called 毫州."""
    assert resolve("", "毫州市人民政府")["city"] == "亳州市"


@pytest.mark.skipif(not towns(), reason="township gazetteer not built (make towns)")
def test_a_township_naming_only_itself_is_placed_when_its_name_is_unique():
    assert resolve("", "东华门街道办事处") == {
        "province": "北京市",
        "city": "北京市",
        "county": "东城区",
        "code": "110101",
    }
    assert resolve("", "西塘镇人民政府")["county"] is None  # two towns of that name: not placed
    assert resolve("嘉兴市", "西塘镇人民政府")["county"] == "嘉善县"  # the city named in the text decides


def _extract(text: str, name: str = "r.txt") -> dict:
    return extract_bytes(text.encode("utf-8"), name)


def test_a_late_page_date_is_no_r12_but_an_early_one_is():
    late = _extract("发布时间: 2016-07-27 10:52\n2014年度某某镇政府信息公开工作年度报告\n" + BODY + "\n")
    early = _extract("发布时间: 2014-12-25 00:00\n2014年度某某镇政府信息公开工作年度报告\n" + BODY + "\n")
    assert late["report"]["published_on"] == "2016-07-27"
    assert "R12" not in {f["rule"] for f in late["findings"]}  # a re-post date bounds publication from above only
    assert "R12" in {f["rule"] for f in early["findings"]}


def test_a_one_paragraph_report_is_a_report():
    out = _extract(
        "2013年度某某镇政府信息公开工作年度报告\n2013年，我镇主动公开政府信息件数为45件。我镇未收到信息公开的申请。\n"
    )
    assert out["status"] == "ok"
    assert {f["row"] for f in out["figures"]} == {"proactive_disclosed", "applications_received"}


@pytest.mark.parametrize(
    "text",
    [
        (
            "关于做好2021年政府信息公开工作年度报告编制公布工作的通知\n各部门：\n请按主动公开、依申请公开、行政复议、行政诉讼、收费等内容编制报告，"
            "于2022年1月31日前公布。\n某市政务公开办公室\n2022年1月5日\n"
        ),
        (
            "政府信息公开年报\n某市人民政府2023年政府信息公开工作年度报告 2024-01-20\n某市人民政府2022年政府信息公开工作年度报告 2023-01-19\n"
            "某市人民政府2021年政府信息公开工作年度报告 2022-01-25\n"
        ),
    ],
)
def test_a_notice_or_a_portal_list_is_not_a_report(text):
    out = _extract(text)
    assert out["status"] == "error" and out["error"]["kind"] == "NotAnAnnualReport"


def test_this_repos_readme_is_not_a_report():
    out = extract_bytes((ROOT / "README.md").read_bytes(), "README.md")
    assert out["status"] == "error" and out["error"]["kind"] == "NotAnAnnualReport"
