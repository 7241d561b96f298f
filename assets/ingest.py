"""Ingest: discover and hash every raw report file under NIANBAO_RAW_DIR (no parsing)."""

import dagster as dg

from nianbao import batch
from orchestration import settings


@dg.asset(key=["ingest", "raw_documents"], group_name="ingest", kinds={"python"},
          required_resource_keys={"run_lock"})  # the first step: the run holds the lock from its start to its end
def raw_documents(context: dg.AssetExecutionContext) -> list[batch.RawFile]:
    """One item per file under NIANBAO_RAW_DIR: absolute path, sha256 of its bytes, size (files are never moved)."""
    root = settings.raw_dir()
    files = batch.scan(root)
    context.add_output_metadata({
        "raw_dir": str(root), "files": len(files), "distinct_contents": len({f.sha256 for f in files}),
        "bytes": sum(f.size for f in files)})
    return files
