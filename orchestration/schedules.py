"""Schedules: refresh the warehouse daily at 06:00 Asia/Shanghai."""

import dagster as dg

from orchestration.jobs import REFRESH_JOB


def build_schedules() -> list:
    """Every schedule of the code location (running by default)."""
    return [
        dg.ScheduleDefinition(
            name=f"{REFRESH_JOB}_schedule",
            job_name=REFRESH_JOB,
            cron_schedule="0 6 * * *",
            execution_timezone="Asia/Shanghai",
            default_status=dg.DefaultScheduleStatus.RUNNING,
        )
    ]
