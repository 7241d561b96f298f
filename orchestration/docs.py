"""`python -m orchestration.docs` (make docs): the dbt docs and an offline copy of the GX Data Docs under NIANBAO_HOME.

dbt's catalog is read from an empty clone of the warehouse's schemas (tables, views as tables, comments), made with
the warehouse opened READ_ONLY, so `make docs` never takes the write lock; while a run holds the warehouse, the clone
is made from the BI snapshot (marts only) instead.
"""

import html
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from orchestration import settings

RELATIONS = """
select schema_name, table_name, comment from duckdb_tables() where database_name = 'warehouse' and not internal
union all
select schema_name, view_name, comment from duckdb_views() where database_name = 'warehouse' and not internal
"""
COLUMN_COMMENTS = """
select schema_name, table_name, column_name, comment from duckdb_columns()
where database_name = 'warehouse' and comment is not null
"""


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def clone_schemas(target: Path) -> str:
    """An empty copy of every table and view of the warehouse (the snapshot while the warehouse is locked) at
    target, comments included: what dbt's catalog reads. Returns which file it was made from. (The source is
    attached as `warehouse`, the catalog its views name.)"""
    for stale in (target, target.with_name(target.name + ".wal")):
        stale.unlink(missing_ok=True)
    con = duckdb.connect(":memory:")
    try:
        source = settings.warehouse_path()
        try:
            con.execute(f"attach {_quote(str(source))} as warehouse (read_only)")
        except duckdb.Error:  # locked by a run (or absent): the published snapshot holds the marts
            source = settings.snapshot_path()
            con.execute(f"attach {_quote(str(source))} as warehouse (read_only)")
        con.execute(f"attach {_quote(str(target))} as dst")
        for schema, name, comment in con.execute(RELATIONS).fetchall():
            con.execute(f'create schema if not exists dst."{schema}"')
            con.execute(f'create table dst."{schema}"."{name}" as select * from warehouse."{schema}"."{name}" limit 0')
            if comment:
                con.execute(f'comment on table dst."{schema}"."{name}" is {_quote(comment)}')
        for schema, name, column, comment in con.execute(COLUMN_COMMENTS).fetchall():
            con.execute(f'comment on column dst."{schema}"."{name}"."{column}" is {_quote(comment)}')
        # the seeds a macro reads while dbt compiles (template_era reads reference.eras): the snapshot has no
        # reference schema, so their empty tables come from the seed files
        con.execute('create schema if not exists dst."reference"')
        for seed in sorted((settings.DBT_PROJECT_DIR / "seeds").glob("*.csv")):
            con.execute(
                f'create table if not exists dst."reference"."{seed.stem}" as '
                f"select * from read_csv({_quote(str(seed.resolve()))}, header = true) limit 0"
            )
        con.execute("detach dst")
    finally:
        con.close()
    return str(source)


def dbt_docs(out: Path) -> Path:
    """`dbt docs generate --static` into out (index.html, static_index.html, catalog.json, manifest.json)."""
    from orchestration.resources import dbt_executable

    out.mkdir(parents=True, exist_ok=True)
    # named as the warehouse: dbt's catalog asks for the database (the file's stem) the manifest names
    clone = out / "catalog" / settings.warehouse_path().name
    clone.parent.mkdir(exist_ok=True)
    source = clone_schemas(clone)
    env = {
        **os.environ,
        "NIANBAO_WAREHOUSE_PATH": str(clone),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_PROFILES_DIR": str(settings.DBT_PROJECT_DIR),
        "DBT_USE_COLORS": "false",
    }
    done = subprocess.run(
        [
            dbt_executable(),
            "--quiet",
            "docs",
            "generate",
            "--static",
            "--target-path",
            str(out),
            "--log-path",
            str(out),
        ],
        cwd=settings.DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    shutil.rmtree(clone.parent, ignore_errors=True)
    if done.returncode != 0:
        raise RuntimeError(f"dbt docs generate failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    print(f"dbt docs   {out / 'static_index.html'}  (catalog from {source})")
    return out / "static_index.html"


def main() -> int:
    """Build both sites and an index page linking them; print their paths."""
    from expectations import offline_docs

    root = settings.docs_dir()
    dbt_page = dbt_docs(root / "dbt")
    gx_page = offline_docs.build(settings.gx_dir(), root / "gx")
    print(f"GX docs    {gx_page}  (offline copy of {settings.gx_dir()})")
    links = [("dbt: models, columns, lineage", dbt_page), ("Great Expectations: suites and results", gx_page)]
    items = "".join(
        f'<li><a href="{html.escape(p.relative_to(root).as_posix())}">{html.escape(t)}</a></li>' for t, p in links
    )
    (root / "index.html").write_text(
        f'<!doctype html><html><head><meta charset="utf-8"><title>nianbao docs</title>'
        f"</head><body><h1>nianbao docs</h1><ul>{items}</ul></body></html>",
        encoding="utf-8",
    )
    print(f"docs       {root / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
