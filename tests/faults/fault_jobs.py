"""Worker jobs for the memory-fault tests: a reader whose memory failures depend on the worker's memory limit."""

import hashlib
import resource

NEEDS_MB = 1536  # what a 'hungry' document needs: more than the first limit, less than twice it


def hungry(data: bytes, source: str) -> dict:
    """ok when the worker's address-space limit is at least NEEDS_MB; else fails like OCR out of memory does."""
    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    limit_mb = None if limit == resource.RLIM_INFINITY else limit // (1 << 20)
    base = {"source": source, "sha256": hashlib.sha256(data).hexdigest(), "format": "pdf", "limit_mb": limit_mb}
    always = b"always" in data
    if always or (b"hungry" in data and limit_mb is not None and limit_mb < NEEDS_MB):
        if b"python" in data:
            raise MemoryError
        # what pdf.py records when onnxruntime (RapidOCR) fails to allocate
        return {
            **base,
            "status": "error",
            "error": {
                "kind": "CorruptPDF",
                "message": "the PDF could not be parsed: RuntimeException: [ONNXRuntimeError] : "
                "6 : RUNTIME_EXCEPTION : std::bad_alloc",
            },
        }
    return {**base, "status": "ok", "error": None}
