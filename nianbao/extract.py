"""Extract one file: bytes → document model → report, as the JSON object of spec/cli.md. The CLI and the assets call this."""

import hashlib
import traceback
from pathlib import Path

from nianbao import PARSER_VERSION
from nianbao.readers import ReadError, read_document
from nianbao.readers.sniff import sniff_format


def _base(source: str, data: bytes | None, fmt: str) -> dict:
    """The fields every result has; a file whose bytes were never read has no sha256 and no size (None)."""
    return {
        "source": source,
        "sha256": None if data is None else hashlib.sha256(data).hexdigest(),
        "size": None if data is None else len(data),
        "format": fmt,
        "parser_version": PARSER_VERSION,
        "status": "ok",
        "error": None,
        "report": None,
        "figures": [],
        "findings": [],
    }


def error_result(source: str, data: bytes | None, fmt: str, kind: str, message: str) -> dict:
    out = _base(source, data, fmt)
    out.update(status="error", error={"kind": kind, "message": message})
    return out


def extract_bytes(data: bytes, source: str) -> dict:
    """Read and parse one document; a file that cannot be read gives status 'error' with a kind and message."""
    fmt = sniff_format(data, source)
    try:
        doc = read_document(data, source, fmt)
    except ReadError as e:
        return error_result(source, data, fmt, e.kind, str(e))
    except Exception as e:  # a reader bug or a file no reader expected: recorded, never raised
        return error_result(source, data, fmt, "ReaderFailed", f"{type(e).__name__}: {e}")
    try:
        from nianbao.parse.document import parse_document

        report = parse_document(doc)
    except Exception as e:
        tb = traceback.format_exc(limit=3).strip().splitlines()[-1]
        return error_result(source, data, fmt, "ParseFailed", f"{type(e).__name__}: {e} ({tb})")
    if not report.evidence.get("is_annual_report", True):  # decided by nianbao.parse.kind
        return error_result(
            source,
            data,
            fmt,
            "NotAnAnnualReport",
            "no statistics table of any template era, and no titled report stating its figures",
        )
    out = _base(source, data, fmt)
    out["encoding"] = doc.encoding
    out["ocr"] = doc.ocr
    out["pages"] = doc.pages
    out["warnings"] = list(doc.warnings)
    out["report"] = report.meta_json()
    out["figures"] = [f.to_json() for f in report.figures]
    out["findings"] = [f.to_json() for f in report.findings]
    out["confidence"] = confidence(data, fmt, doc, report)
    return out


def confidence(data: bytes, fmt: str, doc, report) -> dict:
    """The report's `confidence` object (nianbao.confidence); a failure there is recorded, never raised."""
    from nianbao.confidence import assess

    try:
        return assess(data, fmt, doc, report)
    except Exception as e:
        return {"error": f"{type(e).__name__}: {e}"}


def extract_path(path: str | Path) -> dict:
    """Extract a file on disk; `source` is the path as given."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        return error_result(str(path), None, "unknown", "Unreadable", f"{type(e).__name__}: {e}")
    return extract_bytes(data, str(path))
