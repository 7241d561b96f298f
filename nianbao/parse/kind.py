"""Whether a parsed document is an annual report at all: a template table, or a titled report that states its year's
figures or is laid out in the report's sections; never a notice, a portal's list of reports or a README."""

import re

from nianbao import eras
from nianbao.document import Document
from nianbao.report import Report

# The title names the report: 政府信息公开工作年度报告, 政务公开年报, 信息公开工作报告
_REPORT_TITLE = re.compile(r"(?:信息公开|政务公开).{0,12}?(?:年度报告|年报|工作报告|报告)")
# … and is not a notice about one (关于做好2021年政府信息公开工作年度报告编制公布工作的通知)
_NOTICE_END = re.compile(r"(?:通知|通告|公告|函|意见|方案|办法|决定|批复|要点|安排|目录|清单)[）)]?$")
_SECTIONS = ("主动公开", "依申请", "行政复议", "行政诉讼", "收费", "存在的主要问题", "改进", "其他需要报告")
_SECTIONS_NEEDED = 3
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LIST_TITLE = re.compile(r"^[^\s。，；]{0,30}?(?:19|20)\d{2}\s*年度?[^\s。，；]{0,30}?(?:年度报告|年报)")
_LIST_TITLES = 3  # distinct report titles on their own lines: a portal's list of reports, not one report


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


def is_annual_report(report: Report, doc: Document, lines: list[str]) -> bool:
    """A template table makes a report. Without one (template prose), the document needs a report's title and
    either a prose metric or most of the report's section headings, and must not be a list of many reports."""
    if eras.family(report.template) != eras.PROSE:
        return True
    if not is_report_title(report.evidence.get("title")):
        return False
    if _lists_reports(lines[:200]):
        return False
    if any(f.table == "prose_metrics" for f in report.figures):
        return True
    head = doc.text[:50_000]
    return sum(1 for s in _SECTIONS if s in head) >= _SECTIONS_NEEDED
