"""Validate a pandas frame against a suite module with an ephemeral GX context; optionally write Data Docs."""

import datetime as dt
from pathlib import Path
from types import ModuleType

import pandas as pd


def _context(data_docs_dir: Path | None):
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    if data_docs_dir is not None:
        ctx.add_data_docs_site("nianbao", {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(data_docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
    return ctx


def validate(df: pd.DataFrame, suite_module: ModuleType, data_docs_dir: Path | None = None) -> dict:
    """Run the suite on df; returns a summary (success, counts, failed expectations, data docs index)."""
    import great_expectations as gx

    ctx = _context(data_docs_dir)
    prepared = suite_module.prepare(df)
    batch_def = (ctx.data_sources.add_pandas("frames").add_dataframe_asset(suite_module.NAME)
                 .add_batch_definition_whole_dataframe("whole"))
    suite = ctx.suites.add(suite_module.build())
    vd = ctx.validation_definitions.add(gx.ValidationDefinition(name=suite_module.NAME, data=batch_def, suite=suite))
    actions = [gx.checkpoint.UpdateDataDocsAction(name="data_docs")] if data_docs_dir is not None else []
    checkpoint = ctx.checkpoints.add(gx.Checkpoint(name=suite_module.NAME, validation_definitions=[vd],
                                                   actions=actions))
    result = checkpoint.run(batch_parameters={"dataframe": prepared})
    vr = next(iter(result.run_results.values()))
    failed = []
    for r in vr.results:
        if not r.success:
            cfg = r.expectation_config
            failed.append({"expectation": cfg.type, "column": cfg.kwargs.get("column") or cfg.kwargs.get("column_list"),
                           "unexpected_count": (r.result or {}).get("unexpected_count"),
                           "partial_unexpected_list": [str(v) for v in
                                                       (r.result or {}).get("partial_unexpected_list", [])[:5]]})
    docs = None
    if data_docs_dir is not None:
        index = Path(data_docs_dir) / "index.html"
        docs = index.as_uri() if index.exists() else None
    stats = vr.statistics
    return {"suite": suite_module.NAME, "success": bool(vr.success), "rows": len(df),
            "evaluated": int(stats["evaluated_expectations"]), "passed": int(stats["successful_expectations"]),
            "failed": failed, "success_percent": float(stats["success_percent"] or 0.0),
            "data_docs": docs, "validated_at": dt.datetime.now(dt.timezone.utc)}
