"""NotAnAnnualReport for documents about reports (specs, guides, formats) that quote the reports' vocabulary."""

import pytest

from nianbao.extract import extract_bytes

T3_ROWS = (
    "本年新收政府信息公开申请数量",
    "上年结转政府信息公开申请数量",
    "予以公开",
    "属于国家秘密",
    "结转下年度继续办理",
)
SECTIONS = (
    "报告分为总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议、行政诉讼情况、"
    "存在的主要问题及改进情况、其他需要报告的事项。"
)


def _kind(text: str, name: str = "doc.md") -> str:
    out = extract_bytes(text.encode("utf-8"), name)
    return out["error"]["kind"] if out["status"] == "error" else "ok"


def test_a_chinese_tool_guide_quoting_table_rows_is_not_a_report():
    rows = "\n".join(f"| {label} | code_{i} |" for i, label in enumerate(T3_ROWS))
    guide = (
        f"# 政府信息公开工作年度报告抽取说明\n\n本工具读取年度报告，把表三的每个单元格变成一行。\n\n| 行 | 代码 |\n|---|---|\n"
        f"{rows}\n\n## 章节\n\n{SECTIONS}\n"
    )
    assert _kind(guide) == "NotAnAnnualReport"


def test_the_blank_format_of_the_report_is_not_a_report():
    rows = "\n".join(f"{label}\t\t\t\t" for label in T3_ROWS)
    form = f"中华人民共和国政府信息公开工作年度报告格式\n{SECTIONS}\n三、收到和处理政府信息公开申请情况\n{rows}\n"
    assert _kind(form, "format.txt") == "NotAnAnnualReport"


def test_an_english_spec_with_a_filled_example_table_is_not_a_report():
    rows = "\n".join(f"| {label} | {n} |" for n, label in enumerate(T3_ROWS, start=3))
    spec = (
        "# Extraction contract\n\nThe extractor reads every cell of the statistics tables and emits one figure per "
        "cell, with its location in the source document. For example, a 2019-template table three reads:\n\n"
        f"| label | value |\n|---|---|\n{rows}\n\nEach value becomes a row of the figures mart, keyed by the "
        "report and the codebook's table, row and column codes, with the provenance of the file it came from.\n"
    )
    assert _kind(spec) == "NotAnAnnualReport"


@pytest.mark.parametrize(
    "title", ["2013年度某某镇政府信息公开工作年度报告", "某某县民政局2020年政府信息公开工作年度报告"]
)
def test_a_titled_report_with_its_sections_and_a_blank_table_stays_a_report(title):
    rows = "\n".join(f"{label}\t\t\t\t" for label in T3_ROWS)  # nothing to report: every cell blank
    report = (
        f"{title}\n一、总体情况\n本机关认真落实条例。\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n{rows}\n"
        "四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n六、其他需要报告的事项\n本机关无其他需要报告的事项。\n"
    )
    assert _kind(report, "r.txt") == "ok"
