"""Validate pandas frames (one, or batches of one check) against a suite module in an ephemeral GX context; Data Docs."""

import datetime as dt
import logging
import math
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

import pandas as pd

WARNING = "warning"  # expectation meta {"severity": "warning"}: reported, never blocking
ERROR = "error"
EXAMPLES = 5
SITE = "nianbao"  # the Data Docs site of every context
# one ephemeral GX context per Data Docs dir (and one without docs) for this process: the suites validated since
# the last render_docs() are rendered together, by one SiteBuilder (GX compiles its Jinja templates per build)
_contexts: dict[Path | None, object] = {}
_pending: dict[Path, list] = {}  # Data Docs dir -> identifiers of the results and suites not yet rendered


def _context(data_docs_dir: Path | None):
    """This process's GX context for the Data Docs dir (created on first use)."""
    key = None if data_docs_dir is None else Path(data_docs_dir)
    if key not in _contexts:
        _contexts[key] = _new_context(key)
    return _contexts[key]


def _new_context(data_docs_dir: Path | None):
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # a context knows only this process's results: GX warns once per other page on disk ("Validation result not
    # found … skipping") while it rebuilds the index; docs_site keeps every page, the index is rendered offline too
    logging.getLogger("great_expectations.render.renderer.site_builder").setLevel(logging.ERROR)
    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    if data_docs_dir is not None:
        ctx.add_data_docs_site(
            SITE,
            {
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(data_docs_dir)},
                # imported by GX only here, so `import expectations` stays GX-free
                "site_index_builder": {
                    "class_name": "KeepEverySuiteIndexBuilder",
                    "module_name": "expectations.docs_site",
                },
            },
        )
    return ctx


def _plain(value):
    """A JSON-friendly scalar (numpy numbers, NaN, timestamps)."""
    import numpy as np

    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def expectation_row(r, index_columns: tuple[str, ...]) -> dict:
    """One expectation's outcome: what it checked, success, unexpected_count and a summary of observed values."""
    cfg = r.expectation_config
    res = r.result or {}
    column = cfg.kwargs.get("column") or cfg.kwargs.get("column_list")
    examples = [
        {k: _plain(v) for k, v in row.items() if k in index_columns}
        for row in (res.get("partial_unexpected_index_list") or [])[:EXAMPLES]
    ]
    return {
        "expectation": cfg.type,
        "column": column if isinstance(column, str) or column is None else ",".join(column),
        "severity": (cfg.meta or {}).get("severity", ERROR),
        "rule": (cfg.meta or {}).get("rule"),
        "success": bool(r.success),
        "element_count": res.get("element_count"),
        "unexpected_count": res.get("unexpected_count"),
        "missing_count": res.get("missing_count"),
        "observed_value": _plain(res.get("observed_value")),
        "partial_unexpected_list": [_plain(v) for v in (res.get("partial_unexpected_list") or [])[:EXAMPLES]],
        "examples": examples,
        "exception": (r.exception_info or {}).get("exception_message") if not r.success else None,
    }


def merge_rows(acc: list[dict] | None, rows: list[dict]) -> list[dict]:
    """One expectation row per expectation over two batches: counts add up, success is both, examples capped."""
    if acc is None:
        return rows
    out = []
    for a, b in zip(acc, rows, strict=True):
        m = dict(a)
        m["success"] = a["success"] and b["success"]
        for k in ("element_count", "unexpected_count", "missing_count"):
            m[k] = None if a[k] is None and b[k] is None else (a[k] or 0) + (b[k] or 0)
        observed = [v for v in (a["observed_value"], b["observed_value"]) if v is not None]
        distinct = list(dict.fromkeys(json_key(v) for v in observed))
        m["observed_value"] = observed[0] if len(distinct) == 1 else (sorted(distinct) if distinct else None)
        for k in ("partial_unexpected_list", "examples"):
            m[k] = (a[k] + b[k])[:EXAMPLES]
        m["exception"] = a["exception"] or b["exception"]
        out.append(m)
    return out


def json_key(value) -> str:
    """A hashable, comparable form of an observed value (a scalar, or a list GX returned)."""
    return value if isinstance(value, str) else repr(value)


def _forget(ctx, name: str) -> None:
    """Remove what an earlier validation of the suite `name` added to the shared context (its results stay)."""
    try:
        ctx.suites.delete(name)
    except Exception:  # noqa: BLE001 (GX raises several kinds for "not there")
        pass
    try:
        ctx.data_sources.get("frames").delete_asset(name)
    except Exception:  # noqa: BLE001
        pass


class _Validator:
    """The suite and batch definition of one check, for every batch of it (GX set up once), in the process's
    context. A batch is validated against the suite directly (Batch.validate): a checkpoint would only add its
    freshness checks and a store write per batch, and Data Docs are built once, from the merged result, by docs()."""

    def __init__(self, suite_module: ModuleType, data_docs_dir: Path | None, index_columns: tuple[str, ...]):
        self.ctx = _context(data_docs_dir)
        _forget(self.ctx, suite_module.NAME)  # the same suite validated again in this process: built afresh
        try:
            frames = self.ctx.data_sources.get("frames")
        except Exception:  # noqa: BLE001
            frames = self.ctx.data_sources.add_pandas("frames")
        self.batch_def = frames.add_dataframe_asset(suite_module.NAME).add_batch_definition_whole_dataframe("whole")
        self.suite = self.ctx.suites.add(suite_module.build())  # in the store: the docs render its page
        self.result_format = {"result_format": "SUMMARY", "partial_unexpected_count": 20}
        if index_columns:
            self.result_format["unexpected_index_column_names"] = list(index_columns)
        self.key = self.result = None

    def run(self, prepared: pd.DataFrame):
        """Validate one prepared batch; returns GX's suite validation result."""
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.data_context.types.resource_identifiers import (
            ExpectationSuiteIdentifier,
            ValidationResultIdentifier,
        )

        run_id = RunIdentifier(run_time=dt.datetime.now(dt.UTC))
        result = self.batch_def.get_batch(batch_parameters={"dataframe": prepared}).validate(
            self.suite, result_format=self.result_format
        )
        result.meta |= {"run_id": run_id, "validation_time": run_id.run_time, "batch_parameters": None}
        self.key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=self.suite.name),
            run_id=run_id,
            batch_identifier=result.batch_id,
        )
        self.result = result
        return result

    def docs(self, rows: list[dict], data_docs_dir: Path) -> str:
        """Store the merged result (the last batch's result carrying the counts of every batch) for the Data Docs,
        rendered by the next render_docs(); returns the site's index (a URI)."""
        from great_expectations.data_context.types.resource_identifiers import (
            ExpectationSuiteIdentifier,
        )

        vr = self.result
        for r, m in zip(vr.results, rows, strict=True):
            r.success = m["success"]
            res = r.result or {}
            for k in ("element_count", "unexpected_count", "missing_count"):
                if k in res:
                    res[k] = m[k]
            nonmissing = (m["element_count"] or 0) - (m["missing_count"] or 0)
            if "unexpected_percent" in res and m["unexpected_count"] is not None:
                res["unexpected_percent"] = 100.0 * m["unexpected_count"] / nonmissing if nonmissing else None
                res["unexpected_percent_nonmissing"] = res["unexpected_percent"]
                res["unexpected_percent_total"] = (
                    100.0 * m["unexpected_count"] / m["element_count"] if m["element_count"] else None
                )
            if "partial_unexpected_list" in res:
                res["partial_unexpected_list"] = m["partial_unexpected_list"]
            for k in ("partial_unexpected_counts", "partial_unexpected_index_list"):
                res.pop(k, None)
        passed = sum(m["success"] for m in rows)
        vr.success = passed == len(rows)
        vr.statistics.update(
            {
                "evaluated_expectations": len(rows),
                "successful_expectations": passed,
                "unsuccessful_expectations": len(rows) - passed,
                "success_percent": 100.0 * passed / len(rows) if rows else None,
            }
        )
        self.ctx.validation_results_store.set(self.key, vr)
        _pending.setdefault(Path(data_docs_dir), []).extend([self.key, ExpectationSuiteIdentifier(name=vr.suite_name)])
        return (Path(data_docs_dir).absolute() / "index.html").as_uri()


def forget_docs() -> None:
    """Drop the results not rendered yet (a fork: its parent renders them)."""
    _pending.clear()


def render_docs(build_index: bool = True) -> None:
    """Render the Data Docs of every result stored since the last call: one build per site, whatever the suites
    (build_index=False: the pages only)."""
    while _pending:
        docs_dir, identifiers = _pending.popitem()
        _context(docs_dir).build_data_docs(site_names=[SITE], resource_identifiers=identifiers, build_index=build_index)


class Validation:
    """One check's validation fed batch by batch (add), then summed up (finish): what validate_batches does, in
    steps, so that another process (expectations.service) can hold it between batches."""

    def __init__(self, suite_module: ModuleType, data_docs_dir: Path | None = None):
        self.suite, self.data_docs_dir = suite_module, data_docs_dir
        self.validator = None
        self.rows: list[dict] | None = None
        self.n = 0

    def add(self, df: pd.DataFrame) -> None:
        """Validate one batch and merge its outcome into the running result."""
        prepared = self.suite.prepare(df)
        if self.validator is None:
            self.index_columns = tuple(c for c in getattr(self.suite, "INDEX_COLUMNS", ()) if c in prepared.columns)
            self.validator = _Validator(self.suite, self.data_docs_dir, self.index_columns)
        vr = self.validator.run(prepared)
        self.rows = merge_rows(self.rows, [expectation_row(r, self.index_columns) for r in vr.results])
        self.n += len(df)

    def finish(self, render: bool = True) -> dict:
        """The summary of every batch added (Data Docs written once, from the merged result; with render=False they
        wait for render_docs(), which renders every suite validated until then at once)."""
        if self.validator is None:
            raise ValueError(f"{self.suite.NAME}: no batch to validate")
        rows = self.rows
        docs = self.validator.docs(rows, self.data_docs_dir) if self.data_docs_dir is not None else None
        if render:
            render_docs()
        failed = [r for r in rows if not r["success"]]
        passed = len(rows) - len(failed)
        return {
            "suite": self.suite.NAME,
            "success": not any(r["severity"] == ERROR for r in failed),
            "rows": self.n,
            "evaluated": len(rows),
            "passed": passed,
            "results": rows,
            "failed": failed,
            "errors": sum(r["severity"] == ERROR for r in failed),
            "warnings": sum(r["severity"] == WARNING for r in failed),
            "success_percent": 100.0 * passed / len(rows) if rows else 0.0,
            "data_docs": docs,
            "validated_at": dt.datetime.now(dt.UTC),
        }


def validate_batches(
    frames: Iterable[pd.DataFrame], suite_module: ModuleType, data_docs_dir: Path | None = None
) -> dict:
    """Run the suite on each frame (batches of whole groups, see batches.py) and merge the results into the summary
    one validation of every row would give: counts add up, an expectation fails when it fails in any batch, up to
    EXAMPLES examples. GX is set up once; Data Docs are written once, from the merged result."""
    validation = Validation(suite_module, data_docs_dir)
    for df in frames:
        validation.add(df)
        del df
    return validation.finish()


def validate(df: pd.DataFrame, suite_module: ModuleType, data_docs_dir: Path | None = None) -> dict:
    """Run the suite on df; returns a summary (success = no error-severity failure, every expectation, docs)."""
    return validate_batches([df], suite_module, data_docs_dir)
