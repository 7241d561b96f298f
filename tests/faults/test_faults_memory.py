"""Memory failures are run faults: MemoryLimit (retried next run), tried again alone with twice the memory first."""

import os
from pathlib import Path

from nianbao import batch, isolation

HERE = Path(__file__).resolve().parent


def test_bad_alloc_is_a_memory_fault_not_a_corrupt_pdf():
    ex = {"status": "error", "error": {"kind": "CorruptPDF", "message": "RuntimeException: std::bad_alloc"}}
    assert isolation.memory_fault(ex)["error"]["kind"] == "MemoryLimit"
    assert "std::bad_alloc" in isolation.memory_fault(ex)["error"]["message"]
    damaged = {"status": "error", "error": {"kind": "CorruptPDF", "message": "the PDF cannot be opened: no trailer"}}
    assert isolation.memory_fault(damaged) == damaged
    assert "MemoryLimit" in batch.TRANSIENT_ERRORS


def test_memory_failures_are_retried_alone_with_more_memory(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])))
    paths = []
    for name, data in [
        ("ok.pdf", b"fine"),
        ("hungry.pdf", b"hungry"),
        ("always.pdf", b"always"),
        ("hungry_py.pdf", b"hungry python"),
        ("always_py.pdf", b"always python"),
    ]:
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    results = list(isolation.extract_many(paths, workers=2, timeout_s=30, memory_mb=1024, job="fault_jobs:hungry"))
    kinds = [r["status"] if r["status"] == "ok" else r["error"]["kind"] for r in results]
    assert kinds == ["ok", "ok", "MemoryLimit", "ok", "MemoryLimit"]
    assert results[0]["limit_mb"] == 1024
    assert results[1]["limit_mb"] == results[3]["limit_mb"] == 2048  # the retry had twice the memory
    # a run fault is retried by the next run: the cache does not hold it
    cache = {results[2]["sha256"]: {"error_kind": "MemoryLimit", "status": "error"}}
    f = batch.RawFile(paths[2], results[2]["sha256"], 6)
    assert batch.plan([f], cache).to_parse == (f,)
