"""`nianbao extract --json` as spec/cli.md defines it: JSON Lines in input order, exit 0 / 1 / 2."""

import json
import subprocess
import sys
from pathlib import Path

from conftest import CORPUS

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
    notice.write_text("关于做好2023年春节期间安全生产工作的通知\n各乡镇、各部门：\n春节将至，为切实做好节日期间安全生产工作，"
                      "现将有关事项通知如下。\n一、高度重视\n二、加强检查\n2023年1月10日\n", encoding="utf-8")
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
