"""Jobs: one in-process job that refreshes the whole warehouse and publishes the BI snapshot."""

import dagster as dg

from assets import report_years
from orchestration import workers

REFRESH_JOB = "refresh_warehouse_job"
REEXTRACT_JOB = "reextract_year_job"


def executor() -> dg.ExecutorDefinition:
    """The executor of every job, "Materialize all" in the UI included: in-process, as `make run` (one DuckDB writer
    at a time; a process per step would only add start-up time)."""
    return workers.executor_def()  # in-process, or the Celery workers (NIANBAO_EXECUTOR=celery)


def build_jobs() -> list:
    """Every job of the code location."""
    return [
        dg.define_asset_job(
            REFRESH_JOB,
            selection=dg.AssetSelection.all() - dg.AssetSelection.assets(report_years.KEY),
            executor_def=executor(),
            description="Discover, parse (new contents only), load raw.*, dbt build, GX checks, publish the BI snapshot.",
        ),
        dg.define_asset_job(
            REEXTRACT_JOB,
            selection=dg.AssetSelection.all(),
            partitions_def=report_years.REPORT_YEARS,
            executor_def=executor(),
            description="The refresh, with the documents of the chosen report years (partitions) parsed again.",
        ),
    ]
