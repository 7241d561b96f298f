"""Every suite module the pipeline runs as a Dagster asset check, in the order they are listed in the UI."""

from expectations.suites import (
    dim_reports,
    fct_applications,
    fct_report_figures,
    publisher_arithmetic,
    raw_documents,
    raw_quarantine,
)

SUITES = (raw_documents, raw_quarantine, fct_report_figures, dim_reports, fct_applications, publisher_arithmetic)
