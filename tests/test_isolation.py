"""Quarantine: broken, hanging, crashing and memory-hungry files end as error records while the batch goes on."""

import io
import os
import time
import zipfile
from pathlib import Path

import pytest

from nianbao.isolation import extract_many
from nianbao.readers.doc import soffice_path
from nianbao.render.docx import render_docx
from nianbao.render.html import render_html
from nianbao.render.samples import report_2019

HERE = Path(__file__).parent


def zip_bomb() -> bytes:
    """A real DOCX bomb: 300 MB of XML inflating from a few hundred KB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
            chunk = b" " * (1 << 20)
            for _ in range(300):
                f.write(chunk)
            f.write(b"</w:body></w:document>")
    return buf.getvalue()


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    d = tmp_path_factory.mktemp("batch")
    report = report_2019()
    files = {
        "good.html": render_html(report, portal=True),
        "good.docx": render_docx(report),
        "empty.pdf": b"",
        "random.pdf": os.urandom(20000),
        "bomb.docx": zip_bomb(),
    }
    if soffice_path():
        from nianbao.render.pdf import docx_to_doc, docx_to_pdf

        (pdf,) = docx_to_pdf([render_docx(report)])
        (enc,) = docx_to_pdf([render_docx(report)], password="secret")
        (doc,) = docx_to_doc([render_docx(report)])
        files.update(
            {
                "good.pdf": pdf,
                "truncated.pdf": pdf[: len(pdf) // 3],
                "encrypted.pdf": enc,
                "good.doc": doc,
                "good.wps": doc,
            }
        )
    paths = []
    for name, data in files.items():
        (d / name).write_bytes(data)
        paths.append(str(d / name))
    return paths


EXPECTED = {
    "empty.pdf": "EmptyFile",
    "random.pdf": "UnsupportedFormat",
    "bomb.docx": "ZipBomb",
    "truncated.pdf": "CorruptPDF",
    "encrypted.pdf": "EncryptedPDF",
}


def test_broken_files_quarantined_good_files_extracted(batch):
    results = list(extract_many(batch, workers=2, timeout_s=120, memory_mb=3072))
    assert [r["source"] for r in results] == batch  # one result per path, in input order
    for path, r in zip(batch, results):
        name = os.path.basename(path)
        assert len(r["sha256"]) == 64 and r["format"]
        if name.startswith("good"):
            assert r["status"] == "ok", (name, r["error"])
            assert len(r["figures"]) > 100, name  # the statistics tables reached the parser
        else:
            assert r["status"] == "error" and r["error"]["kind"] == EXPECTED[name], (name, r["error"])
            assert r["error"]["message"]


def test_loop_crash_and_memory_hog_do_not_stop_the_batch(batch, tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])))
    good = [p for p in batch if os.path.basename(p) in ("good.html", "good.docx")]
    bad = {}
    for name in ("loop.pdf", "crash.html", "hog.docx"):
        (tmp_path / name).write_bytes(Path(good[0]).read_bytes())
        bad[name] = str(tmp_path / name)
    paths = [good[0], bad["loop.pdf"], bad["crash.html"], good[1], bad["hog.docx"], good[0]]
    t0 = time.monotonic()
    results = list(extract_many(paths, workers=2, timeout_s=4, memory_mb=1024, job="isolation_jobs:chaos"))
    assert time.monotonic() - t0 < 120  # the loop was stopped (a bound against a hang, not a speed target)
    kinds = [r["status"] if r["status"] == "ok" else r["error"]["kind"] for r in results]
    assert kinds == ["ok", "Timeout", "WorkerCrashed", "ok", "MemoryLimit", "ok"]
    assert results[2]["error"]["message"].endswith("(SIGSEGV)")
    assert all(len(r["sha256"]) == 64 for r in results)


def test_many_small_files_low_overhead(batch, monkeypatch):
    """Small files cost no process each: two workers read forty files (the rate is measured by bench/bench_formats.py)."""
    html = next(p for p in batch if p.endswith("good.html"))
    results = list(extract_many([html] * 40, workers=2, job="nianbao.isolation:read_only"))
    assert all(r["status"] == "ok" and r["tables"][1] == [26, 10, 198] for r in results)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])))
    pids = {r["pid"] for r in extract_many([html] * 40, workers=2, job="isolation_jobs:worker_pid")}
    assert 1 <= len(pids) <= 2
