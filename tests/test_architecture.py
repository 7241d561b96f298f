"""Architecture: the assets are assembled, they do not assemble. No module of assets/ imports orchestration (the
code location); assets get paths and settings from the NianbaoSettings resource."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth (a function's lazy import included)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


def test_no_asset_module_imports_orchestration():
    modules = sorted((ROOT / "assets").glob("*.py"))
    assert len(modules) >= 8
    offenders = {
        p.name: sorted(m for m in _imports(p) if m == "orchestration" or m.startswith("orchestration."))
        for p in modules
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_check_itself_sees_lazy_and_from_imports(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        "def f():\n    from orchestration import settings\n    import orchestration.run\n", encoding="utf-8"
    )
    assert _imports(probe) == {"orchestration", "orchestration.run"}


def test_every_asset_setting_comes_from_the_resource():
    """The assets read no environment variable of orchestration.settings (NIANBAO_*) themselves."""
    for p in sorted((ROOT / "assets").glob("*.py")):
        text = p.read_text(encoding="utf-8")
        assert "os.environ.get(" not in text and "getenv(" not in text, p.name
