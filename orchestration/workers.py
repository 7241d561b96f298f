"""Celery mode (NIANBAO_EXECUTOR=celery): the job's executor and the Celery app its workers run.

Start a worker with `celery -A orchestration.workers worker -Q dagster -c 1` in the same environment as the run
(NIANBAO_HOME, NIANBAO_CATALOG, NIANBAO_BROKER, DAGSTER_HOME). Tasks are acknowledged only once a step has run
(task_acks_late) and given back to the queue when the process running them dies (task_reject_on_worker_lost), so
a chunk whose worker dies runs again elsewhere; a worker host that vanishes has its tasks delivered again after the
broker's visibility timeout (NIANBAO_CELERY_VISIBILITY_S). Steps are idempotent (assets/distributed.py).
"""

import functools
import os

import dagster as dg

from orchestration import lake, settings


def visibility_s() -> int:
    """NIANBAO_CELERY_VISIBILITY_S (default 7200): seconds before Redis gives an unacknowledged task to another
    worker; longer than the longest step, or a step still running is started a second time."""
    return int(os.environ.get("NIANBAO_CELERY_VISIBILITY_S") or 7200)


def config_source() -> dict:
    """Celery settings shared by the run and its workers (at-least-once delivery of every step)."""
    return {
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        "broker_transport_options": {"visibility_timeout": visibility_s()},
        "result_backend_transport_options": {"visibility_timeout": visibility_s()},
    }


def executor_config() -> dict:
    """The celery_executor's config: broker and result backend (NIANBAO_BROKER), the settings above."""
    return {"broker": settings.broker(), "backend": settings.broker(), "config_source": config_source()}


def is_celery() -> bool:
    """True when NIANBAO_EXECUTOR=celery; Celery mode writes to a DuckLake only (a DuckDB file has one writer)."""
    if settings.executor() != "celery":
        return False
    if not lake.is_lake():
        raise RuntimeError(
            "NIANBAO_EXECUTOR=celery needs NIANBAO_CATALOG (a DuckLake): workers write concurrently, "
            "and a DuckDB file takes one writer at a time"
        )
    return True


def executor_def() -> dg.ExecutorDefinition:
    """The job's executor: in-process (the default), or Celery workers."""
    if not is_celery():
        return dg.in_process_executor
    from dagster_celery import celery_executor

    return celery_executor.configured(executor_config())


def refresh_job() -> dg.JobDefinition:
    """The refresh job, built from the current environment (the target of dg.reconstructable for the workers)."""
    from orchestration.definitions import build_definitions
    from orchestration.jobs import REFRESH_JOB

    return build_definitions().resolve_job_def(REFRESH_JOB)


@functools.cache
def make_worker_app():
    """The Celery app of `celery -A orchestration.workers worker`: dagster-celery's step task, our settings."""
    from dagster_celery.executor import CeleryExecutor
    from dagster_celery.make_app import make_app
    from dagster_celery.tasks import create_task

    app_ = make_app(CeleryExecutor.for_cli(**executor_config()).app_args())  # exactly the run's app settings
    create_task(app_)
    return app_


def __getattr__(name: str):
    """`app` is built on first use (celery -A reads it), so importing this module reads no settings."""
    if name in ("app", "celery"):
        return make_worker_app()
    raise AttributeError(name)
