"""Parse a document into a report: metadata, template, figures in codebook codes, findings."""

from nianbao import eras, findings
from nianbao.document import Document
from nianbao.parse.detect import detect_template, is_local_form
from nianbao.parse.fused import unfuse_legacy
from nianbao.parse.kind import is_annual_report
from nianbao.parse.legacy import parse_legacy
from nianbao.parse.local_forms import find_header, local_totals, parse_local_form
from nianbao.parse.metadata import parse_metadata
from nianbao.parse.national import parse_national
from nianbao.parse.prose import prose_figures
from nianbao.parse.stream import tokens
from nianbao.parse.textblocks import text_blocks
from nianbao.parse.traditional import fold
from nianbao.report import Report


def parse_document(doc: Document) -> Report:
    doc = fold(doc)  # a traditional-Chinese mirror reads as its simplified text
    blocks = text_blocks(doc)
    meta = parse_metadata(doc, blocks)
    toks = tokens(doc)
    template = detect_template(toks, meta["report_year"])
    report = Report(
        agency=meta["agency"],
        region=meta["region"],
        report_year=meta["report_year"],
        template=template,
        published_on=meta["published_on"],
    )
    report.evidence["title"] = meta["title"]
    header_values, local = [], []
    if eras.is_legacy(template):
        toks = unfuse_legacy(toks)  # a crawler dump's 统计表 on one line
    if eras.is_national(template):
        al = parse_national(toks, template)
    elif eras.is_legacy(template) and is_local_form(toks) and (header := find_header(toks)) is not None:
        report.variant = "local_form"
        al = parse_local_form(toks, header)
        local = local_totals(al, toks, header)
    elif eras.is_legacy(template):
        al = parse_legacy(toks)
    else:
        al = None
    if al is not None:
        report.figures.extend(al.figures.values())
        report.figures.extend(al.unmapped)
        report.figures.extend(al.header_values)
        header_values = al.header_values
    report.figures.extend(prose_figures(doc, blocks))
    report.findings = findings.check(report, header_values, local)
    if meta["published_from"] == "page":
        report.findings = [f for f in report.findings if not _late_by_page_date(f, report)]
    report.evidence["is_annual_report"] = is_annual_report(report, doc, meta["lines"])
    return report


def _late_by_page_date(finding, report: Report) -> bool:
    """R12 'late' from a portal's date: a page's date is when that page was posted (re-posts, site moves), so it
    bounds the publication from above: it can show a report out before its year ended, never one out late."""
    return finding.rule == "R12" and report.published_on > f"{report.report_year}-12-31"
