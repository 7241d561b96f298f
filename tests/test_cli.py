"""`nianbao extract --json` as spec/cli.md defines it: JSON Lines in input order, exit 0 / 1 / 2."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT

from nianbao import discovery

CLI = [str(Path(sys.executable).parent / "nianbao")]


def _run(*args, cwd=None):
    return subprocess.run(CLI + list(args), capture_output=True, text=True, timeout=300, cwd=cwd)


def test_json_lines_in_input_order_with_the_contract_fields():
    files = [str(p) for p in sorted(CORPUS.glob("*.txt"), reverse=True)]
    proc = _run("extract", "--json", *files)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [x["source"] for x in lines] == files
    for x in lines:
        assert {"source", "sha256", "format", "status", "error", "report", "figures", "findings"} <= set(x)
        assert set(x["report"]) >= {"agency", "region", "report_year", "template", "published_on"}
        assert x["status"] == "ok" and x["error"] is None
        for f in x["figures"]:
            assert {"table", "row", "column", "value", "raw", "approximate", "location"} <= set(f)


def test_a_file_that_cannot_be_read_gives_an_error_line_and_exit_1(tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(bytes(range(256)) * 20)
    good = CORPUS / "004_7f3569336a1c441f.txt"
    proc = _run("extract", "--json", str(empty), str(good), str(junk))
    assert proc.returncode == 1
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [x["status"] for x in lines] == ["error", "ok", "error"]
    assert lines[0]["error"]["kind"] == "EmptyFile"
    assert lines[1]["report"]["template"] == "2019"


def test_bad_arguments_exit_2():
    assert _run("extract").returncode == 2
    assert _run("frobnicate").returncode == 2


def test_a_document_that_is_not_an_annual_report_is_quarantined(tmp_path):
    notice = tmp_path / "notice.txt"
    notice.write_text(
        "关于做好2023年春节期间安全生产工作的通知\n各乡镇、各部门：\n春节将至，为切实做好节日期间安全生产工作，"
        "现将有关事项通知如下。\n一、高度重视\n二、加强检查\n2023年1月10日\n",
        encoding="utf-8",
    )
    english = tmp_path / "readme.html"
    english.write_text("<html><body><p>Quarterly sales were 12 and 15.</p></body></html>", encoding="utf-8")
    proc = _run("extract", "--json", str(notice), str(english), str(CORPUS / "000_a398e2631a481769.txt"))
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [x["status"] for x in lines] == ["error", "error", "ok"]
    assert {x["error"]["kind"] for x in lines[:2]} == {"NotAnAnnualReport"}
    assert proc.returncode == 1


def test_help_names_contract_files_that_exist(capsys):
    """Every spec file the help text names (nianbao/spec/cli.md) is in the repo, and it is the --json contract."""
    import re

    from nianbao.cli import main

    ROOT = Path(__file__).resolve().parents[1]
    assert main(["extract", "--help"]) == 0
    text = capsys.readouterr().out
    named = re.findall(r"[\w/]*spec/[\w.]+\.md", " ".join(text.split()))
    assert named == ["nianbao/spec/cli.md"]
    assert all((ROOT / p).is_file() for p in named)
    assert "--json" in (ROOT / named[0]).read_text(encoding="utf-8")


def test_version_names_the_package_and_the_parser():
    from importlib.metadata import version

    from nianbao import PARSER_VERSION

    proc = _run("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"nianbao {version('nianbao')} (parser {PARSER_VERSION})"


def test_a_missing_file_is_one_line_on_stderr_without_a_hash(tmp_path):
    missing = tmp_path / "no-such-report.pdf"
    good = CORPUS / "004_7f3569336a1c441f.txt"
    proc = _run("extract", "--json", str(missing), str(good))
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [f"nianbao: {missing}: no such file or directory"]
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    assert lines[0]["status"] == "error" and lines[0]["error"]["kind"] == "NotFound"
    assert lines[0]["sha256"] is None  # no hash of bytes never read
    assert lines[1]["status"] == "ok" and lines[1]["sha256"] == hashlib.sha256(good.read_bytes()).hexdigest()
    human = _run("extract", str(missing))
    assert human.returncode == 1 and human.stdout == ""
    assert human.stderr.splitlines() == [f"nianbao: {missing}: no such file or directory"]


def test_a_folder_is_read_recursively_as_the_pipeline_reads_its_raw_dir(tmp_path):
    raw, outside = tmp_path / "raw", tmp_path / "outside"
    (raw / "b" / "deep").mkdir(parents=True)
    outside.mkdir()
    samples = sorted(CORPUS.glob("*.txt"))
    shutil.copy(samples[0], raw / "z_top.txt")
    shutil.copy(samples[1], raw / "b" / "a_in_b.txt")
    shutil.copy(samples[4], raw / "b" / "deep" / "deeper.txt")
    shutil.copy(samples[2], raw / ".hidden.txt")
    shutil.copy(samples[3], outside / "elsewhere.txt")
    (raw / "alias.txt").symlink_to(raw / "b" / "a_in_b.txt")
    (raw / "leaves.txt").symlink_to(outside / "elsewhere.txt")
    proc = _run("extract", "--json", str(raw))
    assert proc.returncode == 1  # the link leaving the folder is not read
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    walked = [e.path for e in discovery.walk(raw, read=False)]
    assert (
        [x["source"] for x in lines]
        == walked
        == [
            f"{raw}/alias.txt",
            f"{raw}/leaves.txt",
            f"{raw}/z_top.txt",
            f"{raw}/b/a_in_b.txt",
            f"{raw}/b/deep/deeper.txt",
        ]
    )
    by_name = {Path(x["source"]).name: x for x in lines}
    assert by_name["leaves.txt"]["error"]["kind"] == "OutsideRawDir" and by_name["leaves.txt"]["sha256"] is None
    assert proc.stderr.count("\n") == 1 and "leaves.txt" in proc.stderr
    for name, src in (("alias.txt", samples[1]), ("z_top.txt", samples[0]), ("deeper.txt", samples[4])):
        assert by_name[name]["status"] == "ok"
        assert by_name[name]["sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
    assert by_name["deeper.txt"]["report"]["template"] == "2019"


def test_an_unreadable_file_in_a_folder_is_its_error_line(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    shutil.copy(CORPUS / "004_7f3569336a1c441f.txt", tmp_path / "locked.txt")
    (tmp_path / "locked.txt").chmod(0)
    proc = _run("extract", "--json", str(tmp_path))
    (tmp_path / "locked.txt").chmod(0o644)
    [line] = [json.loads(x) for x in proc.stdout.splitlines()]
    assert proc.returncode == 1
    assert line["error"]["kind"] == "PermissionDenied" and line["sha256"] is None


SHARED = ROOT.parent / "shared"


def test_documents_about_reports_are_not_reports_and_the_real_reports_are():
    """This README, the shared specs and references (technical documents that quote the reports' labels, rows and
    rules), and the real folder's manifest are NotAnAnnualReport; the eight real reports beside them are read."""
    if not (SHARED / "real").is_dir():
        pytest.skip("../shared/real is absent")
    proc = _run("extract", "--json", str(ROOT / "README.md"), str(SHARED / "reference"), str(SHARED / "real"))
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    kinds = {Path(x["source"]).name: (x["error"] or {}).get("kind", "ok") for x in lines}
    docs = {n for n in kinds if n.endswith((".md", ".json"))}
    assert {"README.md", "domain.md", "extraction.md", "truth.json"} <= docs
    assert {kinds[n] for n in docs} == {"NotAnAnnualReport"}
    reports = {Path(x["source"]).name: x for x in lines if Path(x["source"]).name not in docs}
    assert len(reports) == 8 and {x["status"] for x in reports.values()} == {"ok"}
    assert {x["report"]["template"] for x in reports.values()} == {"2019", "2021", "prose"}
