"""Tables flattened on the way to the web, one hand-written document per layout: a crawler's one-line 统计表,
a one-line 表三 with rows renumbered, misprinted or printed as 2019's single （六）其他处理, 表四's fifteen cells on
one line or under Markdown headers, circled enumerators, and a traditional-Chinese mirror."""

from nianbao.extract import extract_bytes

HEAD = "某县某局2017年政府信息公开工作年度报告\n"


def _extract(text: str, name: str = "doc.txt") -> dict:
    return extract_bytes(text.encode("utf-8"), name)


def _cells(out: dict, table: str) -> dict[str, object]:
    return {
        f["row"] if f["column"] == "value" else (f["row"], f["column"]): f["value"]
        for f in out["figures"]
        if f["table"] == table and f.get("mapped", True)
    }


LEGACY_DUMP = (
    "统计指标 单位 统计数 一、主动公开情况 （一）主动公开政府信息数 （不同渠道和方式公开相同信息计1条） 条 34 "
    "其中：主动公开规范性文件数 条 2 制发规范性文件总数 件 5 （二）通过不同渠道和方式公开政府信息的情况 "
    "1.政府公报公开政府信息数 条  2.政府网站公开政府信息数 条 16 3.政务微博公开政府信息数 条 无 4.政务微信公开政府信息数 条 三 "
    "三、依申请公开情况 （一）收到申请数 件 3 1.当面申请数 件  2.传真申请数 件  3.网络申请数 件 2 "
    "4.信函申请数 件 1 5.其他形式 件  （二）申请办结数 件 3 1.按时办结数 件 3 2.延期办结数 件  "
    "（三）申请答复数 件 3 四、行政复议数量 件 0 （一）维持具体行政行为数 件  （二）被依法纠错数 件  "
    "（三）其他情形数 件  五、行政诉讼数量 件 1 （一）维持具体行政行为或者驳回原告诉讼请求数 件 1 "
    "八、依申请公开信息收取的费用 万元 0 九、机构建设和保障经费情况 （一）政府信息公开工作专门机构数 个 1"
)


def test_a_crawler_dump_of_the_statistics_form_reads_label_unit_value():
    out = _extract(HEAD + "2017年，本局依法做好政府信息公开工作。\n" + LEGACY_DUMP + "\n")
    assert out["report"]["template"] == "pre2019_table"
    got = _cells(out, "legacy_stats")
    assert got["proactive_total"] == 34 and got["normative_documents_issued"] == 5
    assert got["channel_website"] == 16 and got["channel_weibo"] == 0  # 无
    assert got["channel_wechat"] == 3  # a Chinese numeral
    assert got["applications_received"] == 3 and got["applications_online"] == 2 and got["applications_letter"] == 1
    assert got["litigation_total"] == 1 and got["litigation_upheld"] == 1 and got["dedicated_units"] == 1
    # a blank cell is no number: neither the next row's enumerator ("件  3.网络申请数") nor the value after it
    for blank in ("channel_gazette", "applications_in_person", "applications_fax", "review_upheld", "review_other"):
        assert got.get(blank) is None, blank
    assert got["review_total"] == 0
    # 万元 is the unit of the fee row, not the number 万 stated in prose
    prose = _cells(out, "prose_metrics")
    assert prose.get("fees_collected") in (None, 0)


T3_DUMP = (
    "三、收到和处理政府信息公开申请情况 本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和 申请人情况 "
    "自然人 法人或其他组织 总计 商业企业 科研机构 社会公益组织 法律服务机构 其他 "
    "一、本年新收政府信息公开申请数量3 0 0 0 0 0 3二、上年结转政府信息公开申请数量0 0 0 0 0 0 0"
    "三、本年度办理结果（一）予以公开1 0 0 0 0 0 1（二）部分公开0 0 0 0 0 0 0"
    "（三）不予公开1.属于国家秘密0 0 0 0 0 0 02.保护第三方合法权益0 0 0 0 0 0 0"
    "3.其他法律行政法规禁止公开0 0 0 0 0 0 04.危及“三安全一稳定”0 0 0 0 0 0 0"
    "5.属于三类内部事物信息0 0 0 0 0 0 06.属于四类过程性信息0 0 0 0 0 0 07.属于行政执法案卷0 0 0 0 0 0 0"
    "8.属于行政查询事项0 0 0 0 0 0 0（四）无法提供1.本机关不掌握相关政府信息1 0 0 0 0 0 1"
    "2.没有现成信息需要另行制作0 0 0 0 0 0 03.补正后申请内容仍不明确0 0 0 0 0 0 0"
    "（五）不予处理1.信访举报投诉类申请0 0 0 0 0 0 02.重复申请0 0 0 0 0 0 03.要求提供公开出版物0 0 0 0 0 0 0"
    "4.无正当理由大量反复申请0 0 0 0 0 0 05.要求行政机关确认或重新出具已获取信息0 0 0 0 0 0 0"
    "（六）其他处理1 0 0 0 0 0 1（七）总计3 0 0 0 0 0 3四、结转下年度继续办理0 0 0 0 0 0 0"
)


def test_a_one_line_applications_table_finds_rows_renumbered_misprinted_and_2019s_other_handling():
    out = _extract("某县某局2021年政府信息公开工作年度报告\n" + T3_DUMP + "\n五、存在的主要问题及改进情况\n无。\n")
    assert out["report"]["template"] == "2021"
    got = _cells(out, "t3_applications")
    assert got[("new_received", "total")] == 3 and got[("granted", "total")] == 1
    # printed before its template place (保护第三方 is the template's 8th), and with 事物 for 事务
    assert got[("denied_third_party_rights", "natural_person")] == 0
    assert got[("denied_internal_affairs", "total")] == 0
    assert got[("other_handling", "natural_person")] == 1 and got[("other_handling", "total")] == 1
    assert got[("total_handled", "total")] == 3
    assert not {f["rule"] for f in out["findings"]} & {"R1", "R2", "R3"}


def test_a_child_label_enumerator_after_a_parent_is_not_the_parents_cell():
    text = T3_DUMP.replace(
        "（六）其他处理1 0 0 0 0 0 1",
        "（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其"
        "政府信息公开申请1 0 0 0 0 0 12.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府"
        "信息公开申请0 0 0 0 0 0 03.其他0 0 0 0 0 0 0",
    )
    out = _extract("某县某局2021年政府信息公开工作年度报告\n" + text + "\n")
    got = _cells(out, "t3_applications")
    assert got[("other_no_correction", "total")] == 1
    assert ("other_handling", "natural_person") not in got
    assert "X_DOUBT" not in {f["rule"] for f in out["findings"]}


T4_HEADER = (
    "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况\n行政复议\n行政诉讼\n"
    + "结果维持\n结果纠正\n其他结果\n尚未审结\n总计\n"
    "未经复议直接起诉\n复议后起诉\n" + "结果维持\n结果纠正\n其他结果\n尚未审结\n总计\n" * 2
)


def test_table_four_as_its_header_then_fifteen_numbers_on_one_line():
    out = _extract(
        "某县某局2021年政府信息公开工作年度报告\n" + T3_DUMP + "\n" + T4_HEADER + "1 0 2 0 3 0 0 0 1 1 4 0 0 0 4\n"
        "五、存在的主要问题及改进情况\n无。\n"
    )
    got = _cells(out, "t4_review_litigation")
    assert got[("administrative_review", "total")] == 3 and got[("administrative_review", "other_result")] == 2
    assert got[("litigation_direct", "pending")] == 1 and got[("litigation_after_review", "upheld")] == 4


def test_table_four_header_as_bar_rows_inside_paragraphs():
    html = (
        "<html><body><p>某县某局2021年政府信息公开工作年度报告</p><p>" + T3_DUMP + "</p>"
        "<p>四、因政府信息公开工作被申请行政复议、提起行政诉讼情况</p><p>行政复议 | 行政诉讼</p>"
        "<p>结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉</p>"
        "<p>结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计</p>"
        "<p>3 | 0 | 2 | 0 | 5 | 0 | 3 | 1 | 1 | 5 | 2 | 0 | 0 | 2 | 4</p>"
        "<p>五、存在的主要问题及改进情况</p></body></html>"
    )
    out = extract_bytes(html.encode("utf-8"), "doc.html")
    got = _cells(out, "t4_review_litigation")
    assert got[("administrative_review", "total")] == 5 and got[("litigation_direct", "total")] == 5
    assert got[("litigation_after_review", "total")] == 4


def test_table_four_rows_under_markdown_headers_keep_their_leading_and_trailing_blanks():
    block = "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n|---|---|---|---|---|\n"
    md = (
        "# 某县某局2021年政府信息公开工作年度报告\n\n"
        + T3_DUMP
        + "\n\n## 四、因政府信息公开工作被申请行政复议、提起行政诉讼情况\n\n"
        "### 行政复议\n"
        + block
        + "|  |  |  | 1 | 1 |\n\n### 行政诉讼（未经复议直接起诉）\n"
        + block
        + "| — | — | 0 | — |  |\n\n### 行政诉讼（复议后起诉）\n"
        + block
        + "|  | 1 |  |  | 1 |\n\n## 五、存在的主要问题\n"
    )
    got = _cells(_extract(md), "t4_review_litigation")
    assert got[("administrative_review", "pending")] == 1 and got[("administrative_review", "total")] == 1
    assert got[("administrative_review", "upheld")] is None
    assert got[("litigation_direct", "other_result")] == 0 and got[("litigation_direct", "total")] is None
    assert got[("litigation_after_review", "corrected")] == 1 and got[("litigation_after_review", "total")] == 1


def test_a_traditional_chinese_mirror_is_a_report_with_its_figures():
    text = (
        "寧都縣發展和改革局2016年度政府信息公開工作年度報告\n"
        "一、概述\n本報告中所列數據的統計期限自2016年1月1日起至2016年12月31日止。\n"
        "二、主动公开政府信息的情况\n2016年，全年主動公開政府信息225條。\n"
        "三、依申请公开政府信息情况\n全年收到政府信息公開申請5件。\n"
        "四、行政复议诉讼和举报投诉情况\n2016年度沒有發生因政府信息公開申請引起的行政復議、行政訴訟。\n"
        "五、政府信息公开的收费及减免情况\n不存在收費情况。\n寧都縣發展和改革局\n2017年2月2日\n"
    )
    out = _extract(text)
    assert out["status"] == "ok"
    assert out["report"]["report_year"] == 2016 and out["report"]["published_on"] == "2017-02-02"
    assert "发展和改革局" in out["report"]["agency"]
    assert _cells(out, "prose_metrics") == {
        "proactive_disclosed": 225,
        "applications_received": 5,
        "administrative_reviews": 0,
        "administrative_litigations": 0,
        "fees_collected": 0,
    }


def test_a_misprinted_label_printed_out_of_order_in_a_table_lands_on_its_row():
    rows = [
        ("一、本年新收政府信息公开申请数量", 3),
        ("二、上年结转政府信息公开申请数量", 0),
        ("（一）予以公开", 1),
        ("（二）部分公开", 0),
        ("⑥属于三类内部事物信息", 2),
        ("①属于国家秘密", 0),
        ("（四）无法提供", None),
        ("1.本机关不掌握相关政府信息", 0),
        ("（七）总计", 3),
        ("四、结转下年度继续办理", 0),
    ]
    lines = [
        "| 申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, v in rows:
        cells = [""] * 7 if v is None else [str(v), "0", "0", "0", "0", "0", str(v)]
        lines.append("| " + " | ".join([label, *cells]) + " |")
    out = _extract(
        "某县某局2021年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n" + "\n".join(lines) + "\n"
    )
    got = _cells(out, "t3_applications")
    assert got[("denied_internal_affairs", "natural_person")] == 2 and got[("denied_internal_affairs", "total")] == 2
    assert got[("denied_state_secret", "total")] == 0 and got[("total_handled", "total")] == 3


def test_a_row_left_out_as_doubtful_breaks_no_rule():
    fused = T3_DUMP.replace(
        "一、本年新收政府信息公开申请数量3 0 0 0 0 0 3", "一、本年新收政府信息公开申请数量1 0 0 0 0 113"
    )
    out = _extract("某县某局2021年政府信息公开工作年度报告\n" + fused + "\n")
    rules = {f["rule"] for f in out["findings"]}
    assert "X_DOUBT" in rules and ("new_received", "total") not in _cells(out, "t3_applications")
    assert not rules & {"R1", "R2", "R3"}


def test_an_extra_row_after_the_tables_last_row_is_kept_unmapped_and_reported():
    lines = [
        "| 申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, v in (
        ("一、本年新收政府信息公开申请数量", 2),
        ("二、上年结转政府信息公开申请数量", 0),
        ("（一）予以公开", 2),
        ("（七）总计", 2),
        ("四、结转下年度继续办理", 0),
        ("五、办理中的申请", 1),
    ):
        lines.append("| " + " | ".join([label, str(v), "0", "0", "0", "0", "0", str(v)]) + " |")
    out = _extract(
        "某县某局2021年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
        + "\n".join(lines)
        + "\n四、因政府信息公开工作被申请行政复议、提起行政诉讼情况\n| 行政复议 | 0 | 0 | 0 | 0 | 0 |\n"
    )
    extra = [f for f in out["findings"] if f["rule"] == "S1" and "match no template row" in f["message"]]
    assert extra and "办理中的申请" in extra[0]["message"]
    assert "行政复议" not in extra[0]["message"]
    assert _cells(out, "t3_applications")[("carried_forward", "total")] == 0


def test_two_cell_bar_rows_inside_paragraphs_are_table_rows():
    html = (
        "<html><body><p>某县某局2021年政府信息公开工作年度报告</p><p>二、主动公开政府信息情况</p>"
        "<p>第二十条第（五）项</p><p>信息内容 | 本年处理决定数量</p><p>行政许可 | 0</p>"
        "<p>第二十条第（六）项</p><p>信息内容 | 本年处理决定数量</p><p>行政处罚 | 178</p><p>行政强制 | 5</p>"
        "<p>第二十条第（八）项</p><p>信息内容 | 本年收费金额（单位：万元）</p><p>行政事业性收费 | 0.5</p>"
        "<p>" + T3_DUMP + "</p><p>电话 | 值班室</p></body></html>"
    )
    got = _cells(extract_bytes(html.encode("utf-8"), "doc.html"), "t2_proactive")
    assert got[("administrative_licensing", "decisions")] == 0 and got[("administrative_penalty", "decisions")] == 178
    assert got[("administrative_coercion", "decisions")] == 5 and got[("administrative_fees", "fee_amount")] == 0.5
