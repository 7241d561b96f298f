"""Jobs: one in-process job that refreshes the whole warehouse and publishes the BI snapshot."""

import dagster as dg

from orchestration import workers

REFRESH_JOB = "refresh_warehouse_job"


def build_jobs() -> list:
    """Every job of the code location."""
    return [dg.define_asset_job(
        REFRESH_JOB, selection=dg.AssetSelection.all(),
        executor_def=workers.executor_def(),  # in-process, or the Celery workers (NIANBAO_EXECUTOR=celery)
        description="Discover, parse (new contents only), load raw.*, dbt build, GX checks, publish the BI snapshot.")]
