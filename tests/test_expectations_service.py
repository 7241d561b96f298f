"""The GX service process gives the summary in-process validation gives, on generated reports with a broken row."""

import pytest
from gx_support import synth_frame

pytest.importorskip("great_expectations")

from expectations import run, service  # noqa: E402
from expectations.suites import fct_applications as suite  # noqa: E402


@pytest.fixture(scope="module")
def frame(tmp_path_factory):
    df = synth_frame(tmp_path_factory.mktemp("service"), suite, count=6, seed=11)
    df.loc[df.index[0], "value"] = -3.0  # a publisher's negative count: a failed expectation to compare
    return df


def comparable(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if k not in ("validated_at", "data_docs")}


def test_the_service_validates_like_this_process(frame, monkeypatch):
    half = len(frame) // 2
    batches = [frame.iloc[:half], frame.iloc[half:]]
    here = run.validate_batches(batches, suite)
    assert here["failed"] and here["rows"] == len(frame)
    service.start()
    try:
        pid = service._service.proc.pid
        there = service.validate_batches(batches, suite)
        assert service._service.requests == 4  # begin, two batches, finish: validated there
        assert service._service.proc.pid == pid and service._service.proc.poll() is None
        assert comparable(there) == comparable(here)
        again = service.validate_batches([frame.iloc[:0]], suite)  # an empty first batch, as batches.frames yields
        assert again["rows"] == 0
    finally:
        service.stop()
    assert service._service is None


def test_a_dead_service_falls_back_to_this_process(frame):
    service.start()
    try:
        service._service.proc.kill()
        service._service.proc.wait()
        summary = service.validate_batches([frame], suite)
        assert comparable(summary) == comparable(run.validate_batches([frame], suite))
    finally:
        service.stop()


def test_two_checks_are_validated_side_by_side_with_their_data_docs(frame, tmp_path):
    """At a step's first check the service forks: two checks queued back to back go to the two processes, each gets
    the summary this process would give; the fork renders its pages and exits, and the next step forks again."""
    from expectations.suites import fct_report_figures as figures

    half = len(frame) // 2
    ours = [run.validate_batches([frame.iloc[:half]], suite), run.validate_batches([frame.iloc[half:]], suite)]
    docs = tmp_path / "gx"
    service.start()
    try:
        for _step in range(2):
            pendings = [
                service.submit([frame.iloc[:half]], suite, docs),
                service.submit([frame.iloc[half:]], suite, docs),
            ]
            assert pendings[0].lane is service._service.main and pendings[1].lane is service._service.fork
            service.render_docs()
            assert not service._service.forked  # the fork renders its pages, then exits
            assert [comparable(p.result()) for p in pendings] == [comparable(s) for s in ours]
            assert pendings[0].result()["data_docs"] == (docs / "index.html").as_uri()
    finally:
        service.stop()
    pages = sorted(p.relative_to(docs).parts[:2] for p in docs.rglob("*.html"))
    assert pages == [("expectations", f"{suite.NAME}.html"), ("index.html",)] + [("validations", suite.NAME)] * 4
    index = (docs / "index.html").read_text(encoding="utf-8")
    assert f"validations/{suite.NAME}/" in index and figures.NAME not in index
