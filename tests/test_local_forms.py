"""Pre-2014 local 统计表 forms: rows that fit the codebook are mapped, every other printed number is kept."""

import re
from pathlib import Path

from nianbao.document import Document, Paragraph, Table
from nianbao.extract import extract_bytes
from nianbao.render.html import render_html

PUTIAN = Path(__file__).parent / "fixtures" / "documents" / "local_form_putian_2009.txt"


def _figs(out):
    return {(f["table"], f["row"], f["column"]): f["value"] for f in out["figures"]}


def test_putian_form_maps_what_fits_and_keeps_the_rest():
    text = PUTIAN.read_text(encoding="utf-8")
    out = extract_bytes(text.encode(), PUTIAN.name)
    assert out["report"]["template"] == "pre2019_table"
    assert out["report"]["template_variant"] == "local_form"
    figs = _figs(out)
    assert figs[("legacy_stats", "proactive_total", "value")] == 156
    assert figs[("legacy_stats", "channel_website", "value")] == 140
    assert figs[("legacy_stats", "applications_in_person", "value")] == 1
    assert figs[("legacy_stats", "answered_denied", "value")] == 0
    assert figs[("unmapped", "legacy_stats:proactive_total", "cumulative")] == 892
    assert figs[("unmapped", "电子邮件申请数", "value")] == 1  # no codebook row means e-mail applications
    # never drop a printed number: every number in the table is a figure
    table = text[text.index("指标名称") : text.index("莆田市城厢区科技局\n2010")]
    printed = sum(len(re.findall(r"\|\s*(\d+)\s*(?=\|)", line)) for line in table.splitlines()[1:])
    table_figs = [f for f in out["figures"] if f["table"] != "prose_metrics"]
    assert len(table_figs) == printed == 34
    assert not [f for f in out["findings"] if f["rule"] in ("S1", "O1", "O3")]  # national rules do not apply


def test_local_totals_are_checked_against_their_numbered_rows():
    text = PUTIAN.read_text(encoding="utf-8").replace("3.否决公开答复总数 | 件 | 0 |", "3.否决公开答复总数 | 件 | 2 |")
    out = extract_bytes(text.encode(), "broken.txt")
    x9 = [f for f in out["findings"] if f["rule"] == "X9"]
    assert len(x9) == 1 and "3" in x9[0]["message"] and "5" in x9[0]["message"]


def test_dingxi_form_skips_the_code_column_and_keeps_the_cumulative_one():
    rows = [
        ["指标名称", "计量单位", "代码", "本期实际", "本年累计"],
        ["主动公开信息数", "条", "01", "45", "120"],
        ["其中：全文电子化的主动公开信息数", "条", "02", "40", "110"],
        ["申请总数", "件", "10", "2", "5"],
        ["其中：1.当面申请数", "件", "11", "1", "3"],
        ["2.网上申请数", "件", "12", "1", "2"],
    ]
    table = Table.from_rows([[(c, 1, 1) for c in r] for r in rows])
    doc = Document.from_blocks(
        [
            Paragraph("定西市安定区统计局2012年政府信息公开工作年度报告"),
            Paragraph("附表：政府信息公开统计报表"),
            table,
            Paragraph("2013年3月15日"),
        ]
    )
    out = extract_bytes(render_html(doc, encoding="utf-8"), "dingxi.html")
    figs = _figs(out)
    assert out["report"]["template_variant"] == "local_form"
    assert figs[("legacy_stats", "proactive_total", "value")] == 45
    assert figs[("legacy_stats", "applications_received", "value")] == 2
    assert figs[("legacy_stats", "applications_online", "value")] == 1
    assert figs[("unmapped", "legacy_stats:applications_received", "cumulative")] == 5
    assert figs[("unmapped", "全文电子化的主动公开信息数", "value")] == 40
    assert not any(f["raw"] in ("01", "02", "10", "11", "12") for f in out["figures"])  # row codes are not figures
