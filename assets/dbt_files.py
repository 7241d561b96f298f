"""The dbt project's source files and its parse cache on disk (standard library only: the early dbt imports it)."""

from pathlib import Path

PARTIAL_PARSE = "partial_parse.msgpack"  # dbt's parse cache, in a target folder
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests")


def project_files(project: Path) -> list[Path]:
    """Every file of the dbt project that its parse reads."""
    files: list[Path] = []
    for name in PROJECT_FILES:
        path = project / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files += [p for p in path.rglob("*") if p.is_file()]
    return files


def latest_partial_parse(root: Path) -> Path | None:
    """The newest parse cache among the target folders under root (the last run's), if any."""
    found = [p / PARTIAL_PARSE for p in root.iterdir() if (p / PARTIAL_PARSE).is_file()] if root.is_dir() else []
    return max(found, key=lambda p: p.stat().st_mtime) if found else None
