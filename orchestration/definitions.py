"""The code location: assembly only (assets, checks, jobs, schedule, sensor, resources)."""

import dagster as dg

from assets import checks, distributed, extract, ingest, load, report_years, snapshot
from assets import dbt as dbt_assets_module
from orchestration import console, settings, workers
from orchestration.jobs import build_jobs, executor
from orchestration.resources import build_resources
from orchestration.schedules import build_schedules
from orchestration.sensors import build_sensors

OWNERS = ["team:nianbao"]  # who answers for every asset (a team or an e-mail address), shown in the UI


def annotate(spec: dg.AssetSpec) -> dg.AssetSpec:
    """Every asset's owners, and links to where its data is read: the BI snapshot's site and file."""
    links = {}
    if spec.key == dg.AssetKey(["bi", "snapshot"]):
        links = {
            "bi_site": dg.MetadataValue.url("http://127.0.0.1:3001/"),  # make bi && make bi-serve
            "bi_site_files": dg.MetadataValue.path(str(settings.bi_site_dir())),
            "snapshot_file": dg.MetadataValue.path(str(settings.snapshot_path())),
        }
    return spec.replace_attributes(owners=OWNERS, metadata={**spec.metadata, **links})


def build_definitions() -> dg.Definitions:
    """Definitions for the current environment (settings are read now, not at import)."""
    return dg.Definitions(
        assets=dg.map_asset_specs(
            annotate,
            [
                ingest.raw_documents,
                report_years.report_year,
                # one step, or one step per chunk on the Celery workers (NIANBAO_EXECUTOR=celery)
                distributed.report_extractions if workers.is_celery() else extract.report_extractions,
                load.raw_tables,
                dbt_assets_module.build_dbt_assets(settings.warehouse_path(), settings.docs_dir()),
                snapshot.bi_snapshot,
            ],
        ),
        asset_checks=checks.build_checks(),  # the GX suites and nothing_lost, one step per stage
        jobs=build_jobs(),
        schedules=build_schedules(),
        sensors=build_sensors(),
        resources=build_resources(),
        executor=executor(),  # "Materialize all" in the UI runs in-process too
        loggers={"console": console.console},  # INFO and above, plus each step's start and end
    )


@dg.definitions
def defs() -> dg.Definitions:
    """Loaded by `dagster dev -w workspace.yaml` and `dagster definitions validate`."""
    return build_definitions()
