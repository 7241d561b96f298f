"""Validate a pandas frame against a suite module with an ephemeral GX context; optionally write Data Docs."""

import datetime as dt
import math
from pathlib import Path
from types import ModuleType

import pandas as pd

WARNING = "warning"  # expectation meta {"severity": "warning"}: reported, never blocking
ERROR = "error"
EXAMPLES = 5


def _context(data_docs_dir: Path | None):
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    if data_docs_dir is not None:
        ctx.add_data_docs_site("nianbao", {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(data_docs_dir)},
            # imported by GX only here, so `import expectations` stays GX-free
            "site_index_builder": {"class_name": "KeepEverySuiteIndexBuilder",
                                   "module_name": "expectations.docs_site"},
        })
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
    examples = [{k: _plain(v) for k, v in row.items() if k in index_columns}
                for row in (res.get("partial_unexpected_index_list") or [])[:EXAMPLES]]
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


def validate(df: pd.DataFrame, suite_module: ModuleType, data_docs_dir: Path | None = None) -> dict:
    """Run the suite on df; returns a summary (success = no error-severity failure, every expectation, docs)."""
    import great_expectations as gx

    ctx = _context(data_docs_dir)
    prepared = suite_module.prepare(df)
    index_columns = tuple(c for c in getattr(suite_module, "INDEX_COLUMNS", ()) if c in prepared.columns)
    batch_def = (ctx.data_sources.add_pandas("frames").add_dataframe_asset(suite_module.NAME)
                 .add_batch_definition_whole_dataframe("whole"))
    suite = ctx.suites.add(suite_module.build())
    vd = ctx.validation_definitions.add(gx.ValidationDefinition(name=suite_module.NAME, data=batch_def, suite=suite))
    actions = [gx.checkpoint.UpdateDataDocsAction(name="data_docs")] if data_docs_dir is not None else []
    result_format = {"result_format": "SUMMARY", "partial_unexpected_count": 20}
    if index_columns:
        result_format["unexpected_index_column_names"] = list(index_columns)
    checkpoint = ctx.checkpoints.add(gx.Checkpoint(name=suite_module.NAME, validation_definitions=[vd],
                                                   actions=actions, result_format=result_format))
    result = checkpoint.run(batch_parameters={"dataframe": prepared})
    vr = next(iter(result.run_results.values()))
    rows = [expectation_row(r, index_columns) for r in vr.results]
    failed = [r for r in rows if not r["success"]]
    docs = None
    if data_docs_dir is not None:
        index = Path(data_docs_dir) / "index.html"
        docs = index.as_uri() if index.exists() else None
    stats = vr.statistics
    return {"suite": suite_module.NAME, "success": not any(r["severity"] == ERROR for r in failed),
            "rows": len(df), "evaluated": int(stats["evaluated_expectations"]),
            "passed": int(stats["successful_expectations"]), "results": rows, "failed": failed,
            "errors": sum(r["severity"] == ERROR for r in failed),
            "warnings": sum(r["severity"] == WARNING for r in failed),
            "success_percent": float(stats["success_percent"] or 0.0),
            "data_docs": docs, "validated_at": dt.datetime.now(dt.timezone.utc)}
