"""The registry of template eras (nianbao/spec/eras.csv): it agrees with the codebook, and an era added or renamed
in a copy of the spec is picked up by the extractor (Python) and by the warehouse's template_era macro (SQL)."""

import csv
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from nianbao import codebook, eras
from nianbao.extract import extract_path
from nianbao.parse.detect import detect_template
from nianbao.parse.stream import Token

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "nianbao" / "spec"
SAMPLE_2019 = ROOT / "samples" / "corpus" / "004_7f3569336a1c441f.txt"  # a 2019-template report
# three 表三 row labels make a document national; the markers then say which national era
T3_LABELS = ("本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "予以公开")


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _write(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


@pytest.fixture
def spec_copy(tmp_path, monkeypatch):
    """A copy of nianbao/spec that the registry and the codebook read instead; the caches are reset both ways."""
    copy = tmp_path / "spec"
    shutil.copytree(SPEC, copy)
    monkeypatch.setattr(codebook, "spec_path", lambda name: copy / name)
    eras.clear_caches()
    yield copy
    monkeypatch.undo()
    eras.clear_caches()


def _tokens(*labels: str) -> list[Token]:
    return [Token(t, None, (None, 0, i, 0, None), (0, i), False, False) for i, t in enumerate(labels)]


def test_registry_lists_every_codebook_era_with_its_tables_in_printed_order():
    by_era: dict[str, list[str]] = {}
    for e in codebook.entries():
        for era in e.templates:
            if era != "any" and e.table not in by_era.setdefault(era, []):
                by_era[era].append(e.table)
    registered = {e.codebook_era: list(e.tables) for e in eras.registry() if e.codebook_era}
    assert registered == by_era
    assert codebook.TEMPLATES == eras.templates() == ("2019", "2021", "pre2019_table", "prose")
    assert eras.of_family(eras.NATIONAL) == ("2019", "2021") and eras.default() == "prose"


def test_national_markers_are_labels_of_their_era_only():
    """A marker is a label of its era's codebook and of no other national era's (else it could not tell them)."""
    labels = {
        t: {r.label for ts in codebook.tables(t) for r in (*ts.rows, *ts.columns)}
        for t in eras.of_family(eras.NATIONAL)
    }
    for t in labels:
        era = eras.get(t)
        others = set().union(*(v for k, v in labels.items() if k != t))
        hits = [m for m in era.markers if any(m in label or label in m for label in labels[t])]
        assert len(hits) >= len(era.markers) // 2, (t, hits)
        assert not [m for m in era.markers if m in others], t


def test_detection_follows_markers_then_the_years():
    assert detect_template(_tokens(*T3_LABELS, "本年制发件数", "本年废止件数"), 2019) == "2021"
    assert detect_template(_tokens(*T3_LABELS, "本年新制作数量", "本年新公开数量"), 2023) == "2019"
    assert detect_template(_tokens(*T3_LABELS), 2020) == "2019"  # a tie: the era whose years hold 2020
    assert detect_template(_tokens(*T3_LABELS), 2022) == "2021"
    assert detect_template(_tokens(*T3_LABELS), None) == "2019"
    assert detect_template(_tokens("一、概述", "二、主动公开政府信息情况"), 2015) == "prose"


def test_a_new_national_era_in_a_copy_is_detected_and_has_its_tables(spec_copy):
    """An era '2026' (the 2021 rows, a marker of its own, from 2026 on) added to a copy: three files' rows."""
    era_rows = _rows(spec_copy / "eras.csv")
    new = dict(
        next(r for r in era_rows if r["template"] == "2021"),
        template="2026",
        codebook_era="2026",
        first_year="2026",
        last_year="",
        markers="本年新设测试指标数量",
    )
    next(r for r in era_rows if r["template"] == "2021")["last_year"] = "2025"
    era_rows.insert(2, new)
    _write(spec_copy / "eras.csv", era_rows)
    book = _rows(spec_copy / "codebook.csv")
    for r in book:
        if "2021" in r["template"].split("|"):
            r["template"] += "|2026"
    _write(spec_copy / "codebook.csv", book)
    eras.clear_caches()

    assert "2026" in eras.templates() and eras.is_national("2026")
    assert [t.cells() for t in codebook.tables("2026")] == [t.cells() for t in codebook.tables("2021")]
    assert codebook.printable_cells("2026") >= {("t3_applications", "new_received", "total")}
    assert detect_template(_tokens(*T3_LABELS, "本年新设测试指标数量"), 2024) == "2026"
    assert detect_template(_tokens(*T3_LABELS), 2027) == "2026"
    assert detect_template(_tokens(*T3_LABELS), 2023) == "2021"


def test_a_renamed_era_in_a_copy_is_what_the_extractor_reports(spec_copy):
    """Era '2019' renamed '2019v' (registry and codebook): the 2019 sample parses to the same cells under it."""
    before = extract_path(SAMPLE_2019)
    era_rows = _rows(spec_copy / "eras.csv")
    for r in era_rows:
        if r["template"] == "2019":
            r["template"] = r["codebook_era"] = "2019v"
    _write(spec_copy / "eras.csv", era_rows)
    book = _rows(spec_copy / "codebook.csv")
    for r in book:
        r["template"] = "|".join("2019v" if t == "2019" else t for t in r["template"].split("|"))
    _write(spec_copy / "codebook.csv", book)
    eras.clear_caches()
    after = extract_path(SAMPLE_2019)

    def cells(out):
        return sorted((f["table"], f["row"], f["column"], json.dumps(f["value"])) for f in out["figures"])

    assert before["report"]["template"] == "2019" and after["report"]["template"] == "2019v"
    assert len(cells(after)) > 150 and cells(after) == cells(before)


@pytest.mark.slow
def test_an_era_added_in_a_copy_reaches_the_template_era_macro(tmp_path):
    """dbt reads the eras seed: an era whose codebook name differs from its code gets its own CASE branch."""
    project = tmp_path / "dbt_project"
    shutil.copytree(ROOT / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs", "*.duckdb"))
    seed = project / "seeds" / "eras.csv"
    rows = _rows(seed)
    seed.unlink()  # the copy of the symlink's target, replaced by the edited registry
    rows.append(
        dict(
            rows[0],
            template="2026_table",
            codebook_era="y2026",
            family="legacy",
            tables="legacy_stats",
            first_year="2026",
            last_year="",
            markers="",
            marker_prefix="",
        )
    )
    _write(seed, rows)
    env = {
        **os.environ,
        "NIANBAO_WAREHOUSE_PATH": str(tmp_path / "w.duckdb"),
        "DBT_PROFILES_DIR": str(project),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    dbt = [str(ROOT / ".venv" / "bin" / "dbt")] if (ROOT / ".venv" / "bin" / "dbt").exists() else ["dbt"]
    run = dict(cwd=project, env=env, capture_output=True, text=True, timeout=300)
    seeded = subprocess.run([*dbt, "seed", "--select", "eras"], **run)
    assert seeded.returncode == 0, seeded.stdout[-2000:]
    sql = (
        "select {{ template_era(\"'2026_table'\") }} as a, {{ template_era(\"'pre2019_table'\") }} as b, "
        "{{ template_era(\"'2021'\") }} as c"
    )
    shown = subprocess.run([*dbt, "show", "--inline", sql, "--output", "json", "--log-format", "text"], **run)
    assert shown.returncode == 0, shown.stdout[-2000:]
    start = shown.stdout.index("{")
    rows_shown = json.loads(shown.stdout[start : shown.stdout.rindex("}") + 1])["show"]
    assert rows_shown == [{"a": "y2026", "b": "pre2019", "c": "2021"}]
