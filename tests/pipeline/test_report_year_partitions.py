"""Report years as partitions: re-extracting one year parses that year's documents again, and nothing else."""

import dagster as dg
from pipeline_support import RAW_KEYS, make_pipeline

from assets import report_years


def reextract(p, first: str, last: str | None = None):
    """One run of reextract_year_job over a range of report years (its raw part: ingest, marks, extract, raw.*)."""
    from orchestration.definitions import build_definitions
    from orchestration.jobs import REEXTRACT_JOB

    job = build_definitions().resolve_job_def(REEXTRACT_JOB)
    return job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
        asset_selection=[report_years.KEY, *(dg.AssetKey(k) for k in RAW_KEYS)],
        tags={"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last or first},
    )


def test_one_year_is_parsed_again_and_only_it(tmp_path, monkeypatch):
    p = make_pipeline(tmp_path / "home", monkeypatch)
    assert p.run(raw_only=True).success
    by_year = dict(p.query("select report_year, list(source_path order by source_path) from raw.reports group by 1"))
    year = min(by_year, key=lambda y: (len(by_year[y]), y))  # a year with the fewest reports
    assert len(by_year) >= 2  # the samples span several years: another year must stay untouched
    before = dict(p.query("select path, loaded_at from raw.documents where is_current"))

    result = reextract(p, str(year))
    assert result.success
    assert sorted(p.parsed[-1]) == sorted(by_year[year])
    version = report_years.parser_version()
    assert p.query("select count(*) from raw.documents where parser_version <> ?", [version])[0][0] == 0
    after = dict(p.query("select path, loaded_at from raw.documents where is_current"))
    changed = {path for path in after if after[path] != before[path]}
    assert changed == set(by_year[year])  # only that year's rows are new for the marts

    # the next ordinary run parses nothing
    calls = len(p.parsed)
    assert p.run(raw_only=True).success and p.parsed[calls:] in ([], [[]])


def test_a_range_of_years_is_one_run_and_other_holds_failed_documents(tmp_path, monkeypatch):
    p = make_pipeline(tmp_path / "home", monkeypatch)
    (p.raw / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    assert p.run(raw_only=True).success
    years = sorted(y for (y,) in p.query("select distinct report_year from raw.reports"))
    result = reextract(p, str(years[0]), str(years[-1]))
    assert result.success
    n_reports = p.query("select count(*) from raw.reports")[0][0]
    assert len(p.parsed[-1]) == n_reports  # every year of the range, in one run
    result = reextract(p, report_years.OTHER)
    assert result.success
    assert [path.rsplit("/", 1)[1] for path in p.parsed[-1]] == ["broken.pdf"]
