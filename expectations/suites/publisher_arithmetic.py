"""Warnings: the publishers' arithmetic rules of the catalogue (R1–R4, R8, O1–O8) on marts.fct_report_figures, one
expectation per rule."""

import pandas as pd

from expectations import arithmetic, batches, scope
from nianbao import codebook

NAME = "publisher_arithmetic"
CHECK = "publisher_arithmetic"
ASSET = ["marts", "fct_report_figures"]
BLOCKING = False
WATERMARK = scope.MARTS
INDEX_COLUMNS = ("report_id",)
BATCH_KEY = "report_id"  # whole reports per batch: residuals are per report
FIGURES = """
select f.report_id, f.template, f.table_code, f.row_code, f.column_code, f.value, f.is_mapped, {variant}
from marts.fct_report_figures f left join raw.reports r on r.report_id = f.report_id
where f.is_mapped and f.table_code in ({tables}) and {scope}
"""


def query(conn, raw_dir=None, started_at=None, since=None) -> tuple[str, list]:
    """SQL (and parameters) for the mapped cells of the tables the rules read (arithmetic.tables), with each report's
    template variant (local forms have only the rules across tables), of the reports built after `since` (every
    report when None).

    A warehouse loaded before raw.reports had template_variant reads it as null (national) until the next load.
    """
    has_variant = conn.execute(
        "select count(*) from information_schema.columns where table_schema = 'raw' "
        "and table_name = 'reports' and column_name = 'template_variant'"
    ).fetchone()[0]
    variant = "r.template_variant" if has_variant else "null::varchar as template_variant"
    where, params = scope.mart_rows(conn, since, "f.report_id")
    tables = ", ".join(f"'{t}'" for t in arithmetic.tables())  # codebook table codes
    return FIGURES.format(variant=variant, tables=tables, scope=where), params


def load(conn, raw_dir=None, started_at=None, since=None) -> pd.DataFrame:
    """The cells of `query` as one pandas frame."""
    return batches.load(conn, *query(conn, raw_dir, started_at, since))


def prepare(df: pd.DataFrame) -> pd.DataFrame:
    """One row per report: the worst residual (lhs − rhs) of each rule; null where the rule was not evaluated."""
    return arithmetic.wide_residuals(df)


def build():
    """The suite (GX imported here, lazily), built from the rule catalogue (nianbao.rules): one expectation per rule,
    its bounds from the rule's relation and tolerance, tagged with its rule id and its rules.csv severity. Every
    expectation is a GX warning: a publisher's arithmetic that does not add up is reported, never blocking."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    suite = gx.ExpectationSuite(name=NAME)
    for rule in arithmetic.rule_ids():
        lo, hi = arithmetic.rule_bounds(rule)
        suite.add_expectation(
            gxe.ExpectColumnValuesToBeBetween(
                column=rule,
                min_value=lo,
                max_value=hi,
                meta={"severity": "warning", "rule": rule, "rule_severity": codebook.rules()[rule]["severity"]},
            )
        )
    return suite


def rule_counts(summary: dict) -> dict[str, dict]:
    """Per rule, from the GX results: reports evaluated, reports breaking it, and example report_ids."""
    out = {}
    for r in summary["results"]:
        if r["rule"]:
            out[r["rule"]] = {
                "reports_evaluated": (r["element_count"] or 0) - (r["missing_count"] or 0),
                "reports_broken": r["unexpected_count"] or 0,
                "examples": [e.get("report_id") for e in r["examples"]][:3],
            }
    return out
