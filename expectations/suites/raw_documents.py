"""Structural contract on raw.documents: nothing lost, failures quarantined, hashes well-formed, one row per path+content."""

import os

import pandas as pd
import pyarrow as pa

from expectations import batches, scope
from nianbao import batch

NAME = "raw_documents_structure"
CHECK = "structural_contract"
ASSET = ["raw", "documents"]
BLOCKING = True
WATERMARK = scope.RAW
INDEX_COLUMNS = ("path",)
STATUSES = ("ok", "error")
BATCH_KEY = "path"  # whole paths per batch: the grain key and "a current row for the path" read one path's rows
DOCUMENTS = """
select d.*, true as has_document_row,
       exists (select 1 from raw.quarantine q
               where q.sha256 = d.sha256 and q.parser_version = d.parser_version
                 and coalesce(trim(q.error_kind), '') <> '' and coalesce(trim(q.message), '') <> '') as quarantined,
       exists (select 1 from raw.reports r where r.report_id = d.sha256) as has_report,
       {on_disk} as on_disk
from raw.documents d
where {scope}
"""
# a current row of a file on disk records it
ON_DISK = "coalesce(d.is_current, false) and exists (select 1 from disk where disk.path = d.path)"
# nothing lost, table-wide in SQL: the files now under the raw dir without a current document row
UNRECORDED = """
select disk.path, false as has_document_row, false as is_current, true as on_disk from disk
where not exists (select 1 from raw.documents d where d.path = disk.path and d.is_current)
"""


def query(
    conn, raw_dir: str | os.PathLike | None = None, started_at: float | None = None, since=None
) -> tuple[str, list]:
    """SQL (and parameters) for raw.documents rows loaded after `since` (every row when None; with quarantine and
    report flags), plus one row per file now under raw_dir that has no current document row (found in SQL over the
    whole table). The files under raw_dir are registered on `conn` as the relation `disk`.

    A file that arrived (ctime, which copying with preserved times does not fake) after started_at, the run's
    start, belongs to the next batch and is left out: the sensor will pick it up.
    """
    where, params = scope.raw_rows(conn, "documents", since, "d")
    if raw_dir is None:
        return DOCUMENTS.format(scope=where, on_disk="null::boolean"), params
    paths = [str(p) for p in batch.iter_files(raw_dir) if started_at is None or p.stat().st_ctime < started_at]
    conn.register("disk", pa.table({"path": pa.array(paths, pa.string())}))
    return f"{DOCUMENTS.format(scope=where, on_disk=ON_DISK)} union all by name {UNRECORDED}", params


def load(conn, raw_dir: str | os.PathLike | None = None, started_at: float | None = None, since=None) -> pd.DataFrame:
    """The rows of `query` as one pandas frame."""
    return batches.load(conn, *query(conn, raw_dir, started_at, since))


def prepare(df: pd.DataFrame) -> pd.DataFrame:
    """Derived flags; each is null where it does not apply (GX skips missing values)."""
    out = df.copy()
    has_row = out["has_document_row"].astype("boolean").fillna(False)
    current = out.groupby("path")["is_current"].transform("any").astype("boolean") if len(out) else out["is_current"]
    on_disk = out["on_disk"].astype("boolean")
    out["file_recorded"] = (has_row & current.fillna(False)).where(on_disk.fillna(False))
    ok = out["status"] == "ok"
    out["failure_quarantined"] = out["quarantined"].astype("boolean").where(has_row & ~ok.fillna(False))
    out["parsed_report_present"] = out["has_report"].astype("boolean").where(has_row & ok.fillna(False))
    out["grain_key"] = (out["sha256"].astype("string") + "|" + out["path"].astype("string")).where(has_row)
    out["doc_row"] = has_row
    return out


def build():
    """The suite (GX imported here, lazily)."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    suite = gx.ExpectationSuite(name=NAME)
    doc = {"row_condition": "doc_row==True", "condition_parser": "pandas"}
    for column in ("sha256", "status", "parser_version", "is_current"):
        suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=column, **doc))
    suite.add_expectation(gxe.ExpectColumnValuesToMatchRegex(column="sha256", regex=r"^[0-9a-f]{64}$"))
    suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column="status", value_set=list(STATUSES)))
    suite.add_expectation(gxe.ExpectColumnValuesToBeBetween(column="size", min_value=0))
    suite.add_expectation(gxe.ExpectColumnValuesToBeUnique(column="grain_key"))
    # nothing lost: every file now under the raw dir has a current document row
    suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column="file_recorded", value_set=[True]))
    # every non-ok document is in raw.quarantine with an error kind and message
    suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column="failure_quarantined", value_set=[True]))
    # every ok document has its parsed report in raw.reports
    suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column="parsed_report_present", value_set=[True]))
    return suite
