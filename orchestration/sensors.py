"""Sensors: one warehouse refresh when files under NIANBAO_RAW_DIR appear or change (a run per batch)."""

import dagster as dg

from nianbao import raw_fingerprint
from orchestration import settings
from orchestration.jobs import REFRESH_JOB

FINGERPRINT_TAG = "nianbao/raw_fingerprint"  # on every run: the raw dir's fingerprint when the run was requested


def raw_dir_request(cursor: str | None) -> tuple[dg.RunRequest | None, str]:
    """A run request when the raw dir's fingerprint differs from the cursor; returns (request, new cursor)."""
    root = settings.raw_dir()
    fp = raw_fingerprint.fingerprint(root)
    if fp == cursor:
        return None, fp
    return dg.RunRequest(run_key=f"raw_dir:{fp}", tags={"nianbao/raw_dir": str(root), FINGERPRINT_TAG: fp}), fp


def last_built(instance: dg.DagsterInstance) -> str | None:
    """The raw dir's fingerprint of the last successful refresh (`make run` tags its runs too), so the sensor's first
    tick in `make dev` does not rebuild what `make run` just built."""
    runs = instance.get_runs(
        filters=dg.RunsFilter(job_name=REFRESH_JOB, statuses=[dg.DagsterRunStatus.SUCCESS]), limit=1
    )
    return runs[0].tags.get(FINGERPRINT_TAG) if runs else None


@dg.sensor(
    name="raw_dir_sensor",
    job_name=REFRESH_JOB,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def raw_dir_sensor(context: dg.SensorEvaluationContext):
    """Request one refresh for the whole batch when files appear or change (stat only; content is hashed in the run)."""
    request, cursor = raw_dir_request(context.cursor or last_built(context.instance))
    context.update_cursor(cursor)
    if request is None:
        return dg.SkipReason("no new or changed files under NIANBAO_RAW_DIR")
    return request


def build_sensors() -> list:
    """Every sensor of the code location."""
    return [raw_dir_sensor]
