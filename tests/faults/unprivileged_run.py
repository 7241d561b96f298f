"""Run by test_faults_permissions as an unprivileged user: one raw-only run, then what the warehouse recorded (JSON)."""

import json
import os
import sys


def main(home: str, raw: str) -> None:
    """Ingest, extract and load raw.* (with their checks) from raw into home; print success, rows and checks."""
    os.environ.update(
        NIANBAO_HOME=home,
        NIANBAO_RAW_DIR=raw,
        DAGSTER_HOME=f"{home}/dagster_home",
        HOME=home,
        NIANBAO_WORKERS="2",
        DAGSTER_DISABLE_TELEMETRY="1",
    )
    import dagster as dg
    from dagster_duckdb import DuckDBResource
    from pipeline_support import RAW_KEYS, check_results

    from orchestration.definitions import build_definitions
    from orchestration.jobs import REFRESH_JOB

    job = build_definitions().resolve_job_def(REFRESH_JOB)
    result = job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
        asset_selection=[dg.AssetKey(k) for k in RAW_KEYS],
    )
    with DuckDBResource(database=f"{home}/warehouse.duckdb").get_connection() as conn:
        docs = dict(
            conn.execute("select path, coalesce(error_kind, status) from raw.documents where is_current").fetchall()
        )
        reports = conn.execute("select count(*) from raw.reports").fetchone()[0]
    print(
        "RESULT "
        + json.dumps(
            {
                "success": result.success,
                "uid": os.geteuid(),
                "documents": docs,
                "reports": reports,
                "checks": check_results(result),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:3])
