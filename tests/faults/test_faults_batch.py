"""Each odd entry in a batch with good files: recorded with its error kind, the good files load, nothing lost."""

import shutil

import pytest
from faults_support import odd_entries
from pipeline_support import check_results, make_pipeline

import assets.extract

pytestmark = pytest.mark.slow


def test_odd_entries_with_good_files(tmp_path, monkeypatch):
    pipeline = make_pipeline(tmp_path / "home", monkeypatch)
    expected = odd_entries(pipeline.raw, tmp_path / "outside")
    result = pipeline.run(raw_only=True)
    assert result.success
    checks = check_results(result)
    assert checks["raw/documents:nothing_lost"] is True
    assert checks["raw/documents:structural_contract"] is True
    assert checks["raw/quarantine:structural_contract"] is True
    rows = dict(pipeline.query("select path, error_kind from raw.documents where is_current"))
    for path, kind in expected.items():
        assert rows[path] == kind, path
    assert sum(1 for p, k in rows.items() if "/long/" in p and k == "PathTooLong") == 1
    quarantined = dict(pipeline.query("select path, error_kind from raw.quarantine"))
    assert {p: k for p, k in quarantined.items() if "/long/" not in p} == {p: k for p, k in expected.items() if k}
    # the 5 good files, the GBK-named one and the one in a folder (its two aliases are the same content)
    assert pipeline.query("select count(*) from raw.reports")[0][0] == 7
    assert pipeline.query("select count(*) from raw.reports where source_path like '%年度报告.txt'")[0][0] == 1
    hexes = pipeline.query("select path_hex from raw.documents where path like '%年度报告.txt'")
    assert bytes.fromhex(hexes[0][0]).endswith("年度报告".encode("gbk") + b".txt")
    # what could not be read is tried again next run; what was read is not
    second = pipeline.run(raw_only=True)
    assert second.success and pipeline.parsed[1:] in ([], [[]])
    assert dict(pipeline.query("select path, error_kind from raw.documents where is_current")) == rows


def test_an_entry_discovery_missed_fails_the_contract(tmp_path, monkeypatch):
    """The contract is independent of discovery: a discovery that loses an entry makes the run's check fail."""
    from nianbao import batch

    pipeline = make_pipeline(tmp_path / "home", monkeypatch)
    walk, listed = batch.scan, batch.scan_files  # (the full walk, and the files read from find's listing)
    monkeypatch.setattr(batch, "scan", lambda root, known=None: walk(root, known)[1:])  # loses the first file
    monkeypatch.setattr(batch, "scan_files", lambda root, paths: listed(root, paths)[1:])
    result = pipeline.run(raw_only=True)
    assert check_results(result)["raw/documents:nothing_lost"] is False


def test_files_changed_or_deleted_during_the_run_are_retried_next_run(tmp_path, monkeypatch):
    pipeline = make_pipeline(tmp_path / "home", monkeypatch)
    files = sorted(p for p in pipeline.raw.iterdir())
    changed, deleted = files[0], files[1]
    kept = deleted.read_bytes()
    counting = assets.extract.extract_many

    def meddling():
        inner = counting()

        def extract_many(paths, **kw):
            if not (tmp_path / "done").exists():  # the first run only: between discovery and reading
                (tmp_path / "done").touch()
                changed.write_bytes(changed.read_bytes() + "\n附：运行中改写。\n".encode())
                deleted.unlink()
            yield from inner(paths, **kw)

        return extract_many

    monkeypatch.setattr(assets.extract, "extract_many", meddling)
    first = pipeline.run(raw_only=True)
    assert first.success  # one file's trouble stays that file's
    kinds = dict(pipeline.query("select path, error_kind from raw.documents where is_current"))
    assert kinds[str(changed)] == "ChangedDuringRun" and kinds[str(deleted)] == "Unreadable"
    assert pipeline.query("select count(*) from raw.reports")[0][0] == 3  # the rest of the batch loaded
    deleted.write_bytes(kept)  # restored with the same bytes
    second = pipeline.run(raw_only=True)
    assert second.success
    assert sorted(pipeline.parsed[-1]) == sorted([str(changed), str(deleted)])  # both retried
    assert pipeline.query("select count(*) from raw.reports")[0][0] == 5
    assert pipeline.query("select count(*) from raw.documents where is_current and status = 'ok'")[0][0] == 5
    assert check_results(second)["raw/quarantine:structural_contract"] is True
    shutil.rmtree(tmp_path / "outside", ignore_errors=True)
