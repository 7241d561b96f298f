"""Structural contract on raw.documents: failures quarantined, hashes well-formed, one row per path+content."""

import pandas as pd

from expectations import batches, scope

# Nothing lost (every file under the raw dir has a current row) is table-wide: the blocking contract
# assets.contracts.nothing_lost checks it with an independent walk (find) on every run, so this suite does not walk
# the raw dir a second time. It validates the rows a run wrote.
NAME = "raw_documents_structure"
CHECK = "structural_contract"
ASSET = ["raw", "documents"]
BLOCKING = True
WATERMARK = scope.RAW
INDEX_COLUMNS = ("path",)
STATUSES = ("ok", "error")
BATCH_KEY = "path"  # whole paths per batch: the grain key reads one path's rows
DOCUMENTS = """
select d.*,
       exists (select 1 from raw.quarantine q
               where q.sha256 = d.sha256 and q.parser_version = d.parser_version
                 and coalesce(trim(q.error_kind), '') <> '' and coalesce(trim(q.message), '') <> '') as quarantined,
       exists (select 1 from raw.reports r where r.report_id = d.sha256) as has_report
from raw.documents d
where {scope}
"""


def query(conn, raw_dir=None, started_at=None, since=None) -> tuple[str, list]:
    """SQL (and parameters) for raw.documents rows loaded after `since` (every row when None), with quarantine and
    report flags. (`raw_dir` and `started_at` are the suites' common signature; nothing_lost walks the raw dir.)"""
    where, params = scope.raw_rows(conn, "documents", since, "d")
    return DOCUMENTS.format(scope=where), params


def load(conn, raw_dir=None, started_at=None, since=None) -> pd.DataFrame:
    """The rows of `query` as one pandas frame."""
    return batches.load(conn, *query(conn, raw_dir, started_at, since))


def prepare(df: pd.DataFrame) -> pd.DataFrame:
    """Derived flags; each is null where it does not apply (GX skips missing values)."""
    out = df.copy()
    ok = (out["status"] == "ok").fillna(False)
    out["failure_quarantined"] = out["quarantined"].astype("boolean").where(~ok)
    out["parsed_report_present"] = out["has_report"].astype("boolean").where(ok)
    out["grain_key"] = out["sha256"].astype("string") + "|" + out["path"].astype("string")
    return out


def build():
    """The suite (GX imported here, lazily)."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    suite = gx.ExpectationSuite(name=NAME)
    for column in ("sha256", "status", "parser_version", "is_current"):
        suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=column))
    suite.add_expectation(gxe.ExpectColumnValuesToMatchRegex(column="sha256", regex=r"^[0-9a-f]{64}$"))
    suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column="status", value_set=list(STATUSES)))
    suite.add_expectation(gxe.ExpectColumnValuesToBeBetween(column="size", min_value=0))
    suite.add_expectation(gxe.ExpectColumnValuesToBeUnique(column="grain_key"))
    # every non-ok document is in raw.quarantine with an error kind and message
    suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column="failure_quarantined", value_set=[True]))
    # every ok document has its parsed report in raw.reports
    suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column="parsed_report_present", value_set=[True]))
    return suite
