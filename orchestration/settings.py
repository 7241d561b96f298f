"""The one place that reads environment variables (lazily, when a function is called, never at import)."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
DAGSTER_YAML_TEMPLATE = REPO_ROOT / "dagster.yaml"
DEFAULT_RAW_DIR = REPO_ROOT / "samples" / "corpus"


def home() -> Path:
    """NIANBAO_HOME (default ./data): the warehouse, the BI snapshot, Dagster's home and GX data docs."""
    return Path(os.environ.get("NIANBAO_HOME") or "./data").expanduser().resolve()


def raw_dir() -> Path:
    """NIANBAO_RAW_DIR (default: the bundled sample corpus): the report files the pipeline reads."""
    return Path(os.environ.get("NIANBAO_RAW_DIR") or DEFAULT_RAW_DIR).expanduser().resolve()


def warehouse_path() -> Path:
    """The DuckDB warehouse written by the pipeline (raw, staging, marts, audit)."""
    return home() / "warehouse.duckdb"


def snapshot_path() -> Path:
    """The read-only BI snapshot (marts only) that BI tools open."""
    return home() / "bi" / "nianbao.duckdb"


def gx_dir() -> Path:
    """Where GX Data Docs are written."""
    return home() / "gx"


def dbt_target_dir() -> Path:
    """Where each dbt invocation writes its target folder (artifacts and dbt.log): NIANBAO_HOME/dbt_target, not the
    repo (the repo's dbt_project/target keeps only the manifest the code location loads)."""
    return home() / "dbt_target"


def docs_dir() -> Path:
    """Where `make docs` writes the dbt docs (dbt/) and the offline index of the GX Data Docs."""
    return home() / "docs"


def bi_site_dir() -> Path:
    """Where `make bi` writes the BI site (BI_SITE in the Makefile)."""
    return home() / "bi-site"


def dagster_home() -> Path:
    """DAGSTER_HOME if set, else NIANBAO_HOME/dagster_home."""
    env = os.environ.get("DAGSTER_HOME")
    return Path(env).resolve() if env else home() / "dagster_home"


def extract_workers() -> int:
    """NIANBAO_WORKERS (default 2): parser worker processes per batch."""
    return int(os.environ.get("NIANBAO_WORKERS") or 2)


def extract_timeout_s() -> float:
    """NIANBAO_TIMEOUT_S (default 120): wall-clock limit for one file."""
    return float(os.environ.get("NIANBAO_TIMEOUT_S") or 120)


def extract_memory_mb() -> int:
    """NIANBAO_MEMORY_MB (default 2048): memory limit for one parser worker."""
    return int(os.environ.get("NIANBAO_MEMORY_MB") or 2048)


def check_batch_rows() -> int:
    """NIANBAO_CHECK_BATCH (default 100000): at most this many rows (whole reports) per GX validation batch."""
    return max(1, int(os.environ.get("NIANBAO_CHECK_BATCH") or 100_000))


def extract_chunk() -> int:
    """NIANBAO_CHUNK (default 1000): documents parsed, then committed to raw.* in one transaction (resume unit)."""
    return max(1, int(os.environ.get("NIANBAO_CHUNK") or 1000))


def duckdb_memory_limit() -> str:
    """NIANBAO_DUCKDB_MEMORY (default 1GB here): DuckDB's memory_limit while the pipeline's Python assets write
    (dbt_project/profiles.yml reads the same variable for dbt, default 2GB)."""
    return os.environ.get("NIANBAO_DUCKDB_MEMORY") or "1GB"


def full_refresh() -> bool:
    """NIANBAO_FULL_REFRESH=1 (`make rebuild`): dbt rebuilds every mart (--full-refresh) and every check validates
    every row; otherwise marts and row-level checks cover what changed since the last run."""
    return (os.environ.get("NIANBAO_FULL_REFRESH") or "").strip().lower() in ("1", "true", "yes")


def catalog() -> str | None:
    """NIANBAO_CATALOG (unset: the DuckDB file): a PostgreSQL URL, the DuckLake catalog of raw.* and the marts."""
    return (os.environ.get("NIANBAO_CATALOG") or "").strip() or None


def data_path() -> str:
    """NIANBAO_DATA_PATH (default $NIANBAO_HOME/lake/): the DuckLake's Parquet files, a folder or object-store prefix."""
    value = (os.environ.get("NIANBAO_DATA_PATH") or "").strip() or str(home() / "lake")
    return value if value.endswith("/") else value + "/"


def executor() -> str:
    """NIANBAO_EXECUTOR (default in_process): `celery` spreads the run's steps and extraction chunks over workers."""
    return (os.environ.get("NIANBAO_EXECUTOR") or "in_process").strip().lower()


def broker() -> str:
    """NIANBAO_BROKER (default redis://127.0.0.1:6379/0): the Celery broker (and result backend) URL."""
    return (os.environ.get("NIANBAO_BROKER") or "").strip() or "redis://127.0.0.1:6379/0"


def prepare_dagster_home() -> Path:
    """Create DAGSTER_HOME with our dagster.yaml (telemetry off, pools) and export it; returns the path."""
    path = dagster_home()
    path.mkdir(parents=True, exist_ok=True)
    target = path / "dagster.yaml"
    text = DAGSTER_YAML_TEMPLATE.read_text(encoding="utf-8")
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(path)
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
    return path


RUN_LOCK_FD = "NIANBAO_RUN_LOCK_FD"  # set by orchestration.guard.supervise for its child: the lock it holds


def run_lock_fd() -> int | None:
    """NIANBAO_RUN_LOCK_FD: the fd of $NIANBAO_HOME/.run.lock inherited from `make run`'s supervisor, if any."""
    value = os.environ.get(RUN_LOCK_FD)
    return int(value) if value and value.isdigit() else None
