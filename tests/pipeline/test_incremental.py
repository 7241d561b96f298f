"""Incremental extraction by content: cached contents are never re-parsed; new, changed and failed files are."""

import shutil

import pytest
from pipeline_support import Pipeline, make_pipeline, metadata

import nianbao


@pytest.fixture
def pipeline(tmp_path, monkeypatch) -> Pipeline:
    """A fresh pipeline (temp NIANBAO_HOME and raw dir) per test (no conftest here: tests/ imports `conftest`)."""
    return make_pipeline(tmp_path / "home", monkeypatch)


def test_second_run_with_no_new_files_parses_nothing(pipeline):
    first = pipeline.run(raw_only=True)
    assert first.success
    assert len(pipeline.parsed) == 1 and len(pipeline.parsed[0]) == 5
    stamps = pipeline.query("select sha256, path, extracted_at from raw.documents order by path")
    second = pipeline.run(raw_only=True)
    assert second.success
    assert pipeline.parsed[1:] in ([], [[]])  # the extractor was not asked for anything
    assert metadata(second, ["extract", "report_extractions"])["parsed"] == 0
    assert pipeline.query("select sha256, path, extracted_at from raw.documents order by path") == stamps
    assert pipeline.query("select count(*) from raw.reports")[0][0] == 5


def test_adding_a_file_parses_only_that_file(pipeline):
    assert pipeline.run(raw_only=True).success
    new = pipeline.raw / "sub" / "new_report.txt"
    new.parent.mkdir()
    new.write_bytes((pipeline.raw / "004_7f3569336a1c441f.txt").read_bytes() + "\n附：本报告另有电子版。\n".encode())
    result = pipeline.run(raw_only=True)
    assert result.success
    assert pipeline.parsed[-1] == [str(new.resolve())]
    assert pipeline.query("select count(*) from raw.reports")[0][0] == 6
    assert pipeline.query("select count(*) from raw.documents where is_current")[0][0] == 6


def test_copy_of_a_known_file_is_recorded_but_not_parsed(pipeline):
    assert pipeline.run(raw_only=True).success
    shutil.copy(pipeline.raw / "000_a398e2631a481769.txt", pipeline.raw / "copy.txt")
    assert pipeline.run(raw_only=True).success
    assert pipeline.parsed[1:] in ([], [[]])
    assert pipeline.query("select count(*) from raw.documents")[0][0] == 6
    assert pipeline.query("select count(*) from raw.reports")[0][0] == 5


def test_parser_version_change_reparses_everything(pipeline, monkeypatch):
    assert pipeline.run(raw_only=True).success
    monkeypatch.setattr(nianbao, "PARSER_VERSION", nianbao.PARSER_VERSION + "+test")
    result = pipeline.run(raw_only=True)
    assert result.success
    assert sorted(pipeline.parsed[-1]) == sorted(str(p.resolve()) for p in pipeline.raw.iterdir())
    assert pipeline.query("select distinct parser_version from raw.reports") == [(nianbao.PARSER_VERSION,)]
    assert (
        pipeline.query("select count(*) from raw.figures where report_id not in (select report_id from raw.reports)")[
            0
        ][0]
        == 0
    )


def test_bad_file_is_quarantined_and_the_others_load(pipeline):
    (pipeline.raw / "broken.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    (pipeline.raw / "empty.docx").write_bytes(b"")
    result = pipeline.run(raw_only=True)
    assert result.success
    rows = pipeline.query("select path, error_kind, message from raw.quarantine order by path")
    assert [r[0].rsplit("/", 1)[-1] for r in rows] == ["broken.pdf", "empty.docx"]
    assert all(r[1] and r[2] for r in rows)
    assert pipeline.query("select count(*) from raw.reports")[0][0] == 5
    assert pipeline.query("select count(*) from raw.documents where status = 'error'")[0][0] == 2
    # a failure is cached too: the next run does not retry it, and nothing a user gave disappears
    assert pipeline.run(raw_only=True).success
    assert pipeline.parsed[1:] in ([], [[]])
    assert (pipeline.raw / "broken.pdf").exists()
    assert pipeline.query("select count(*) from raw.quarantine")[0][0] == 2


def test_removed_file_stays_recorded_but_is_not_current(pipeline):
    assert pipeline.run(raw_only=True).success
    (pipeline.raw / "000_a398e2631a481769.txt").unlink()
    assert pipeline.run(raw_only=True).success
    assert pipeline.query("select count(*) from raw.documents")[0][0] == 5
    assert pipeline.query("select count(*) from raw.documents where is_current")[0][0] == 4


def test_a_file_put_back_is_current_again_and_only_seen_files_get_seen_at(pipeline):
    """The closing step's one comparison of raw.scan and raw.documents: gone, back, seen (and nothing parsed)."""
    assert pipeline.run(raw_only=True).success
    path = pipeline.raw / "000_a398e2631a481769.txt"
    kept = path.read_bytes()
    path.unlink()
    assert pipeline.run(raw_only=True).success
    (gone_at,) = pipeline.query("select seen_at from raw.documents where not is_current")[0]
    path.write_bytes(kept)
    calls = len(pipeline.parsed)
    assert pipeline.run(raw_only=True).success
    assert pipeline.parsed[calls:] in ([], [[]])  # a known content: not parsed again
    last = pipeline.query("select max(loaded_at) from raw.load_log")[0][0]
    rows = pipeline.query("select is_current, loaded_at, seen_at from raw.documents where path = ?", [str(path)])
    assert rows == [(True, last, rows[0][2])] and rows[0][2] > gone_at
    assert pipeline.query("select count(distinct seen_at), count(*) from raw.documents where is_current") == [(1, 5)]
    assert pipeline.query("select count(*) from raw.scan") == [(5,)]
