"""The incremental plan: parse new contents once; retry a run's failures, not a file's."""

from nianbao.batch import RawFile, plan


def test_cached_contents_are_not_parsed_and_duplicates_parse_once():
    files = [RawFile("a.txt", "s1", 1), RawFile("b.txt", "s2", 1), RawFile("copy_of_b.txt", "s2", 1)]
    p = plan(files, {"s1": {"status": "ok", "error_kind": None}})
    assert [f.path for f in p.to_parse] == ["b.txt"]
    assert [f.path for f in p.cached] == ["a.txt", "copy_of_b.txt"]


def test_a_timeout_is_retried_but_a_corrupt_file_is_not():
    files = [RawFile("slow.pdf", "s1", 1), RawFile("broken.pdf", "s2", 1), RawFile("crashed.pdf", "s3", 1)]
    cache = {
        "s1": {"status": "error", "error_kind": "Timeout"},
        "s2": {"status": "error", "error_kind": "CorruptPDF"},
        "s3": {"status": "error", "error_kind": "WorkerCrashed"},
    }
    p = plan(files, cache)
    assert [f.path for f in p.to_parse] == ["slow.pdf", "crashed.pdf"]
    assert [f.path for f in p.cached] == ["broken.pdf"]
