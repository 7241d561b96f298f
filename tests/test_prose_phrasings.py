"""Prose figures: one hand-written sentence for each way real reports state (or deny) the year's counts."""

import pytest

from nianbao.document import Cell, Document, Paragraph, Table
from nianbao.parse.prose import prose_figures


def _doc(*paragraphs: str) -> Document:
    return Document.from_blocks([Paragraph(p) for p in paragraphs])


def _metrics(doc: Document) -> dict[str, tuple]:
    return {f.row: (f.value, f.approximate) for f in prose_figures(doc)}


@pytest.mark.parametrize(
    "text,row,value,approx",
    [
        ("2023年，我区在政府网站平台主动公开政府信息1136条。", "proactive_disclosed", 1136, False),
        ("2024年，市政府网站主动公开各类政府信息 5500 余条，全年新增规章1件。", "proactive_disclosed", 5500, True),
        ("全年主动公开政府信息约300条。", "proactive_disclosed", 300, True),
        ("2013年度我镇在主动公开政府信息件数为123件，处理投诉件36只。", "proactive_disclosed", 123, False),
        ("2024年，区政府主动发布各类政府信息 2428 条，公开常务会议7期。", "proactive_disclosed", 2428, False),
        ("今年，我区共公布政府信息2599条。", "proactive_disclosed", 2599, False),
        ("2024年，全市共受理政府信息公开申请 3119 件，答复 3050 件。", "applications_received", 3119, False),
        ("本年度共收到政府信息公开申请三件。", "applications_received", 3, False),
        ("本年度收到政府信息公开申请二十余件。", "applications_received", 20, True),
        ("政府信息公开行政复议 351件，其中结果维持 72 件。", "administrative_reviews", 351, False),
        ("政府信息公开行政诉讼 46 件，其中结果维持 25件。", "administrative_litigations", 46, False),
        ("全年收取政府信息公开信息处理费 3940 元。", "fees_collected", 3940, False),
        ("本年度共收到政府資訊公開申請12件。", "applications_received", 12, False),  # traditional characters
    ],
)
def test_a_stated_count(text, row, value, approx):
    assert _metrics(_doc(text))[row] == (value, approx)


@pytest.mark.parametrize(
    "text,rows",
    [
        ("2013年，我镇政府未收到信息公开的申请，也无不予公开信息的情况发生。", {"applications_received"}),
        ("本年度没有收到政府信息公开申请。", {"applications_received"}),
        ("全年无依申请公开事项。", {"applications_received"}),
        (
            "2013年没有针对我镇政府信息公开申请而提起行政复议和行政诉讼的情况发生。",
            {"administrative_reviews", "administrative_litigations"},
        ),
        (
            "本年度未发生因政府信息公开引起的行政复议、行政诉讼。",
            {"administrative_reviews", "administrative_litigations"},
        ),
        ("本年度未發生行政復議和行政訴訟案件。", {"administrative_reviews", "administrative_litigations"}),
        ("我局不存在收费情况。", {"fees_collected"}),
        ("2014年度未向公民、法人或其他组织收取任何费用。", {"fees_collected"}),
        ("本年度我镇没有因政府信息公开而产生的收费。", {"fees_collected"}),
    ],
)
def test_a_zero_said_in_words(text, rows):
    got = _metrics(_doc(text))
    assert set(got) == rows
    assert all(v == (0, False) for v in got.values())


def test_a_stated_number_wins_over_a_zero_said_elsewhere():
    doc = _doc("本年度未发生行政复议案件。", "本年度被申请行政复议2件。")
    assert _metrics(doc)["administrative_reviews"] == (2, False)


@pytest.mark.parametrize(
    "text",
    [
        "截止2014年12月25日，我局累计主动公开政府信息805条。",  # a running total
        "（其中机构职能类信息25条，其他应主动公开政府信息856条）",  # a breakdown in brackets
        "下一年度计划主动公开政府信息600条。",  # next year's plan
        "比上年多主动公开政府信息100条。",  # a difference to last year
        "咨询电话：0591-24315110，索引号：11320800-2024-00012。",  # phone and index numbers
        "全年举办政务公开培训3期，培训人员120人次。",  # training
        "二、主动公开政府信息情况第二十条第（一）项",  # an article number
        "近三年共收到政府信息公开申请62件。",  # a span of several years
        "三年来共受理政府信息公开申请41件。",
        "八、依申请公开信息收取的费用 万元 0",  # 万元 is the 统计表's unit, not 10000
    ],
)
def test_numbers_that_are_not_the_years_count(text):
    assert _metrics(_doc(text)) == {}


def test_the_years_count_beside_a_running_total():
    doc = _doc(
        "我局累计主动公开政府信息805条，全文电子化达100%。其中2014年度我局共主动公开政府信息360条，同比增长120.9%。"
    )
    assert _metrics(doc)["proactive_disclosed"] == (360, False)


def test_the_total_before_its_breakdown():
    doc = _doc("今年，我区共公布政府信息2599条，(其中机构职能类信息25条，其他应主动公开政府信息856条)。")
    assert _metrics(doc)["proactive_disclosed"] == (2599, False)


def test_a_flattened_2021_label_is_no_zero_fee():
    doc = _doc("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请0 0 0 0 0 00")
    assert "fees_collected" not in _metrics(doc)


def test_a_zero_phrase_never_runs_across_a_flattened_tables_rows():
    doc = _doc("6.申请信息不存在数 件  7.告知作出更改补充数 件  8.告知通过其他途径办理数 件  四、行政复议数量 件 1")
    assert "administrative_reviews" not in _metrics(doc)


def test_the_years_count_after_a_span_of_years():
    doc = _doc(
        "近三年共收到政府信息公开申请55件。", "（二）依申请公开。2019年，共收到政府信息公开申请2件，均已按时答复。"
    )
    assert _metrics(doc)["applications_received"] == (2, False)


def test_a_count_cut_by_a_pdf_line_break_is_read_and_located():
    doc = _doc(
        "（二）依申请公开情况。确保依申请答复工作规范高效。2024年，区政府办代表区政府受理政府",
        "信息公开申请 17 件，均已在法定期限内予以答复。",
    )
    [fig] = [f for f in prose_figures(doc) if f.row == "applications_received"]
    assert fig.value == 17
    start, end = fig.location[4]
    assert doc.text[start:end] == "17"


def test_a_report_laid_out_in_one_table_cell():
    """A portal page saved as text: the whole report is the one cell of a layout table's row."""
    body = "2013年度我镇在主动公开政府信息件数为123件。2013年，我镇政府未收到信息公开的申请。"
    table = Table(cells=[Cell(0, 0, "索引号:"), Cell(0, 1, "/2015-34352"), Cell(1, 0, body)])
    doc = Document.from_blocks([table])
    got = _metrics(doc)
    assert got["proactive_disclosed"] == (123, False) and got["applications_received"] == (0, False)
    [fig] = [f for f in prose_figures(doc) if f.row == "proactive_disclosed"]
    assert doc.text[fig.location[4][0] : fig.location[4][1]] == "123"
