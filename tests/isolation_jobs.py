"""Misbehaving jobs for tests/test_isolation.py: a parser loop, a hard crash and a memory hog, chosen by file name."""

import os
import signal

from nianbao.extract import extract_bytes


def chaos(data: bytes, source: str) -> dict:
    name = os.path.basename(source)
    if "loop" in name:
        while True:  # a parser stuck in a loop
            pass
    if "crash" in name:
        os.kill(os.getpid(), signal.SIGSEGV)
    if "hog" in name:
        hog = [bytearray(64 * 1024 * 1024) for _ in range(64)]  # 4 GB, over the limit
        return {"status": "ok", "len": len(hog)}
    return extract_bytes(data, source)


def worker_pid(data: bytes, source: str) -> dict:
    """Which worker process read the file (tests that workers are reused across files)."""
    return {"status": "ok", "source": source, "sha256": "0" * 64, "pid": os.getpid()}
