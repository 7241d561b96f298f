"""NianbaoSettings: the paths and limits the assets run with, a resource the code location assembles."""

import dagster as dg


class NianbaoSettings(dg.ConfigurableResource):
    """Where the pipeline reads and writes and how hard it works. The code location (orchestration/resources.py)
    builds it from orchestration.settings, so the assets never read the environment or import orchestration."""

    home: str  # NIANBAO_HOME: the warehouse, the snapshot, GX docs
    raw_dir: str  # the report files to read (never written)
    snapshot_path: str  # the read-only BI snapshot
    gx_dir: str  # GX Data Docs
    docs_dir: str  # `make docs`: the dbt docs and the offline GX Data Docs
    dbt_target_dir: str  # each dbt invocation's target folder (artifacts, dbt.log), under home
    extract_workers: int = 2
    extract_timeout_s: float = 120.0
    extract_memory_mb: int = 2048
    extract_chunk: int = 1000  # documents parsed, then committed in one transaction
    check_batch_rows: int = 100_000  # rows (whole reports) per GX validation batch
    duckdb_memory_limit: str = "1GB"  # DuckDB's memory_limit while the Python assets write raw.*
    data_path: str = ""  # NIANBAO_DATA_PATH: the DuckLake's Parquet data (empty: the embedded DuckDB file)
    source_attach: list[str] = []  # SQL that attaches the warehouse as `src` to a fresh connection (the snapshot)
    full_refresh: bool = False  # `make rebuild`: dbt --full-refresh, every row validated
