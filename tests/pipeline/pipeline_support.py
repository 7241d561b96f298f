"""Pipeline test support: a temp NIANBAO_HOME, a copy of the sample corpus, and helpers to run the job in-process."""

import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "samples" / "corpus"
RAW_KEYS = [
    ["ingest", "raw_documents"],
    ["extract", "report_extractions"],
    ["raw", "documents"],
    ["raw", "reports"],
    ["raw", "figures"],
    ["raw", "findings"],
    ["raw", "quarantine"],
    ["raw", "rules"],
    ["raw", "extraction_checks"],
]


@dataclass
class Pipeline:
    """A temp NIANBAO_HOME + raw dir, the job runner, and a way to count what the extractor was asked to parse."""

    home: Path
    raw: Path
    parsed: list[list[str]]

    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def snapshot(self) -> Path:
        return self.home / "bi" / "nianbao.duckdb"

    def run(self, raw_only: bool = False):
        """One in-process run of the refresh job (or only its Python part: ingest, extract, raw.*)."""
        import dagster as dg

        from orchestration.definitions import build_definitions
        from orchestration.jobs import REFRESH_JOB

        job = build_definitions().resolve_job_def(REFRESH_JOB)
        selection = [dg.AssetKey(k) for k in RAW_KEYS] if raw_only else None
        return job.execute_in_process(
            instance=dg.DagsterInstance.ephemeral(), raise_on_error=False, asset_selection=selection
        )

    def query(self, sql: str, params=None) -> list[tuple]:
        """Rows of a query on the warehouse, opened the way the pipeline opens it (one config per process)."""
        from dagster_duckdb import DuckDBResource

        with DuckDBResource(database=str(self.warehouse)).get_connection() as conn:
            return conn.execute(sql, params or []).fetchall()


def make_pipeline(home: Path, mp: pytest.MonkeyPatch, corrupt: Callable[[dict], dict] | None = None) -> Pipeline:
    """Point the settings at a temp home and a copy of the sample corpus; count every path sent to the extractor."""
    import assets.extract

    raw = home / "raw"
    shutil.copytree(CORPUS, raw)
    for f in raw.iterdir():
        f.chmod(0o644)
    mp.setenv("NIANBAO_HOME", str(home))
    mp.setenv("NIANBAO_RAW_DIR", str(raw))
    mp.setenv("DAGSTER_HOME", str(home / "dagster_home"))
    mp.setenv("NIANBAO_WORKERS", "2")
    mp.delenv("NIANBAO_WAREHOUSE_PATH", raising=False)
    parsed: list[list[str]] = []
    real = assets.extract.extract_many

    def counting():
        inner = real()

        def extract_many(paths, **kw):
            parsed.append([str(p) for p in paths])
            for ex in inner(paths, **kw):
                yield corrupt(ex) if corrupt else ex

        return extract_many

    mp.setattr(assets.extract, "extract_many", counting)
    return Pipeline(home, raw, parsed)


def synth_raw(raw: Path, *synth_args: str) -> dict:
    """Replace the raw dir's files with a `nianbao synth` corpus (its arguments after --out); returns its truth,
    which is taken out of the raw dir so that the pipeline reads only the reports."""
    for f in raw.iterdir():
        f.unlink()
    nianbao = str(ROOT / ".venv" / "bin" / "nianbao")
    subprocess.run([nianbao, "synth", "--out", str(raw), *synth_args], check=True, capture_output=True)
    truth_file = raw / "truth.json"
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    truth_file.unlink()
    return truth


def materialized(result) -> set[str]:
    """Asset keys (as 'a/b') materialized in a run."""
    return {ev.asset_key.to_user_string() for ev in result.get_asset_materialization_events()}


def check_results(result) -> dict[str, bool]:
    """'asset:check' -> passed, for every asset check evaluated in a run."""
    return {
        f"{ev.event_specific_data.asset_key.to_user_string()}:{ev.event_specific_data.check_name}": ev.event_specific_data.passed
        for ev in result.all_events
        if ev.event_type_value == "ASSET_CHECK_EVALUATION"
    }


def failed_error_checks(result) -> list[str]:
    """'asset:check' of every asset check that failed at severity ERROR (dbt tests at severity warn report
    passed=False with severity WARN: a report that does not add up is a finding, not a pipeline failure)."""
    import dagster as dg

    return [
        f"{ev.event_specific_data.asset_key.to_user_string()}:{ev.event_specific_data.check_name}"
        for ev in result.all_events
        if ev.event_type_value == "ASSET_CHECK_EVALUATION"
        and not ev.event_specific_data.passed
        and ev.event_specific_data.severity == dg.AssetCheckSeverity.ERROR
    ]


def metadata(result, key: list[str]) -> dict:
    """Materialization metadata of one asset in a run."""
    import dagster as dg

    for ev in result.get_asset_materialization_events():
        if ev.asset_key == dg.AssetKey(key):
            return {k: v.value for k, v in ev.materialization.metadata.items()}
    return {}
