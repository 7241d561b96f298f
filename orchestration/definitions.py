"""The code location: assembly only (assets, checks, jobs, schedule, sensor, resources)."""

import dagster as dg

from assets import checks, contracts, distributed, extract, ingest, load, snapshot
from assets import dbt as dbt_assets_module
from orchestration import console, workers
from orchestration.jobs import build_jobs
from orchestration.resources import build_resources
from orchestration.schedules import build_schedules
from orchestration.sensors import build_sensors


def build_definitions() -> dg.Definitions:
    """Definitions for the current environment (settings are read now, not at import)."""
    return dg.Definitions(
        assets=[ingest.raw_documents,
                # one step, or one step per chunk on the Celery workers (NIANBAO_EXECUTOR=celery)
                distributed.report_extractions if workers.is_celery() else extract.report_extractions,
                load.raw_tables,
                dbt_assets_module.build_dbt_assets(), snapshot.bi_snapshot],
        asset_checks=[*checks.build_checks(), *contracts.build_contracts()],
        jobs=build_jobs(),
        schedules=build_schedules(),
        sensors=build_sensors(),
        resources=build_resources(),
        loggers={"console": console.console},  # INFO and above, plus each step's start and end
    )


@dg.definitions
def defs() -> dg.Definitions:
    """Loaded by `dagster dev -w workspace.yaml` and `dagster definitions validate`."""
    return build_definitions()
