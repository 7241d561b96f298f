"""Whether a parsed document is an annual report at all: a template table read with its values, or a titled report
that states its year's figures or is laid out in the report's sections; never a notice, a format or guide about
reports, a portal's list of reports, or a technical document (a README, a spec) that quotes the reports' vocabulary."""

import re

from nianbao import eras
from nianbao.document import Document
from nianbao.report import Report

# The title names the report: 政府信息公开工作年度报告, 政务公开年报, 信息公开工作报告
_REPORT_TITLE = re.compile(r"(?:信息公开|政务公开).{0,12}?(?:年度报告|年报|工作报告|报告)")
# … and is not a notice about one (关于做好2021年政府信息公开工作年度报告编制公布工作的通知)
# … nor a document about how to write or read one (…年度报告格式, …编制说明, …填报指引, …工具使用手册)
_NOTICE_END = re.compile(
    r"(?:通知|通告|公告|函|意见|方案|办法|决定|批复|要点|安排|目录|清单"
    r"|格式|模板|范本|样表|说明|指引|指南|手册|教程|文档)[）)]?$"
)
_SECTIONS = ("主动公开", "依申请", "行政复议", "行政诉讼", "收费", "存在的主要问题", "改进", "其他需要报告")
_SECTIONS_NEEDED = 3
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LIST_TITLE = re.compile(r"^[^\s。，；]{0,30}?(?:19|20)\d{2}\s*年度?[^\s。，；]{0,30}?(?:年度报告|年报)")
_LIST_TITLES = 3  # distinct report titles on their own lines: a portal's list of reports, not one report
_LATIN = re.compile(r"[A-Za-z]")
_TEXT_SAMPLE = 50_000  # characters of the running text weighed for its language


def is_report_title(title: str | None) -> bool:
    """A title that names an annual report (mostly Chinese, not a notice about one)."""
    if not title:
        return False
    s = "".join(title.split())
    if not _REPORT_TITLE.search(s) or _NOTICE_END.search(s.rstrip("。.：:")):
        return False
    return len(_CJK.findall(s)) >= 0.6 * len(s)


def _lists_reports(lines: list[str]) -> bool:
    titles = {line for line in lines if len(line) <= 60 and _LIST_TITLE.match(line)}
    return len(titles) >= _LIST_TITLES


def _mostly_foreign(text: str) -> bool:
    """More Latin letters than Chinese characters: a document in another language (an English README or spec
    that quotes the reports' labels), whatever tables it quotes. A report is written in Chinese."""
    sample = text[:_TEXT_SAMPLE]
    return len(_LATIN.findall(sample)) > len(_CJK.findall(sample))


def _reads_template_table(report: Report) -> bool:
    """The detected template's table was found with printed values: a mapped cell of it holds a number.
    Labels quoted without their figures (a spec's list of rows, a blank form) are no table of a report."""
    return any(f.mapped and f.value is not None and f.table != "prose_metrics" for f in report.figures)


def is_annual_report(report: Report, doc: Document, lines: list[str]) -> bool:
    """A document in Chinese. A template table read with its values makes a report. Otherwise (template prose, or
    template labels without values) the document needs a report's title and either a prose metric or most of the
    report's section headings, and must not be a list of many reports."""
    if _mostly_foreign(doc.text):
        return False
    if eras.family(report.template) != eras.PROSE and _reads_template_table(report):
        return True
    if not is_report_title(report.evidence.get("title")):
        return False
    if _lists_reports(lines[:200]):
        return False
    if any(f.table == "prose_metrics" for f in report.figures):
        return True
    head = doc.text[:50_000]
    return sum(1 for s in _SECTIONS if s in head) >= _SECTIONS_NEEDED
