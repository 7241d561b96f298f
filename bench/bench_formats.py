"""Reader throughput per format on 2 worker processes over rendered sample reports (prints a table)."""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nianbao.isolation import extract_many  # noqa: E402
from nianbao.readers.doc import soffice_path  # noqa: E402
from nianbao.render.docx import render_docx  # noqa: E402
from nianbao.render.html import render_html  # noqa: E402
from nianbao.render.samples import long_table_report, report_2019  # noqa: E402


def build(tmp: Path, n: int, n_lo: int, scan_pages: int) -> dict[str, list[str]]:
    """Sample files per format: n HTML/DOCX/TXT, n_lo DOC and PDF (LibreOffice), scan_pages scanned pages."""
    docs = [report_2019(seed=s) if s % 4 else long_table_report(seed=s) for s in range(n)]
    out: dict[str, list[str]] = {}

    def put(fmt: str, k: int, data: bytes) -> None:
        p = tmp / f"{fmt}_{k:04d}.{fmt.split('-')[0]}"
        p.write_bytes(data)
        out.setdefault(fmt, []).append(str(p))

    for k, d in enumerate(docs):
        put("html", k, render_html(d, encoding="gb18030", charset_label="gb2312", portal=True))
        put("docx", k, render_docx(d))
        put("txt", k, d.text.encode("gb18030"))
    if soffice_path():
        from nianbao.render.pdf import docx_to_doc, docx_to_pdf
        from nianbao.render.scan import scan_pdf

        docx = [render_docx(d) for d in docs[:n_lo]]
        for k, data in enumerate(docx_to_doc(docx)):
            put("doc", k, data)
        pdfs = docx_to_pdf(docx)
        for k, data in enumerate(pdfs):
            put("pdf", k, data)
        for k in range(scan_pages):
            put("pdf-scan", k, scan_pdf(pdfs[1], pages=[k % 3]))
    return out


def measure(files: dict[str, list[str]], workers: int = 2, job: str = "nianbao.extract:extract_bytes") -> dict:
    """Per format: files, pages, ok, seconds and documents (pages) per second on `workers` worker processes."""
    out = {}
    for fmt, paths in files.items():
        t = time.monotonic()
        results = list(extract_many(paths, workers=workers, job=job, timeout_s=300))
        dt = time.monotonic() - t
        pages = sum(r.get("pages") or 0 for r in results)
        out[fmt] = {
            "files": len(paths),
            "pages": pages,
            "ok": sum(r["status"] == "ok" for r in results),
            "seconds": round(dt, 2),
            "docs_per_s": round(len(paths) / dt, 2),
            "pages_per_s": round(pages / dt, 2) if pages else None,
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=120, help="HTML/DOCX/TXT documents")
    ap.add_argument("--n-lo", type=int, default=16, help="DOC and PDF documents (LibreOffice renders them)")
    ap.add_argument("--scan-pages", type=int, default=2, help="scanned single-page PDFs (OCR, ~10 s each)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--full", action="store_true", help="time the full extract (reader + parser), not the reader only")
    args = ap.parse_args()
    job = "nianbao.extract:extract_bytes" if args.full else "nianbao.isolation:read_only"
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        t0 = time.monotonic()
        files = build(Path(tmp), args.n, args.n_lo, args.scan_pages)
        print(
            f"rendered {sum(map(len, files.values()))} files in {time.monotonic() - t0:.1f} s; "
            f"job {job}, {args.workers} workers (times include starting the pool)\n"
        )
        print(f"{'format':<9} {'files':>5} {'pages':>5} {'ok':>4} {'seconds':>8} {'docs/s':>8} {'pages/s':>8}")
        for fmt, m in measure(files, args.workers, job).items():
            pps = f"{m['pages_per_s']:8.2f}" if m["pages_per_s"] else f"{'-':>8}"
            print(
                f"{fmt:<9} {m['files']:>5} {m['pages'] or '-':>5} {m['ok']:>4} {m['seconds']:8.2f} "
                f"{m['docs_per_s']:8.2f} {pps}"
            )


if __name__ == "__main__":
    main()
