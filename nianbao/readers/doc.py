"""DOC and WPS to the document model: LibreOffice headless converts (many files per soffice run) to DOCX."""

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from nianbao.document import Document

INSTALL_HINT = "LibreOffice (soffice) is not installed: run `make system-deps` (scripts/system-deps.sh)"
# DOCX bytes already converted by a batch run, keyed by the sha256 of the DOC/WPS bytes (see isolation.py)
CONVERTED: dict[str, bytes] = {}


def _error(kind: str, message: str) -> Exception:
    from nianbao.readers import ReadError

    return ReadError(kind, message)


def soffice_path() -> str | None:
    """The LibreOffice binary: $NIANBAO_SOFFICE when set (None if it is not executable), else from PATH."""
    forced = os.environ.get("NIANBAO_SOFFICE")
    if forced:
        return forced if os.access(forced, os.X_OK) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


class Converter:
    """One LibreOffice profile per process; each `convert` call is one soffice run over a whole batch."""

    def __init__(self, profile_dir: str | None = None):
        self.profile_dir = profile_dir or os.path.join(tempfile.gettempdir(), f"nianbao-lo-{os.getuid()}-{os.getpid()}")

    def convert(
        self,
        items: list[bytes],
        target: str = "docx",
        timeout_s: float | None = None,
        in_ext: str = "doc",
        filter_spec: str | None = None,
    ) -> list[bytes | None]:
        """Convert every item in one soffice invocation; None where LibreOffice produced nothing.

        `filter_spec` overrides the --convert-to argument (e.g. PDF export options as JSON)."""
        exe = soffice_path()
        if not exe:
            raise _error("ConverterMissing", INSTALL_HINT)
        if not items:
            return []
        filt = (
            filter_spec
            or {"docx": "docx:MS Word 2007 XML", "pdf": "pdf:writer_pdf_Export", "doc": "doc:MS Word 97"}[target]
        )
        timeout_s = timeout_s or (40 + 8 * len(items))
        with tempfile.TemporaryDirectory(prefix="nianbao-conv-") as tmp:
            src, out = Path(tmp, "in"), Path(tmp, "out")
            src.mkdir()
            out.mkdir()
            names = []
            for i, data in enumerate(items):
                p = src / f"f{i:05d}.{in_ext}"
                p.write_bytes(data)
                names.append(str(p))
            cmd = [
                exe,
                f"-env:UserInstallation=file://{self.profile_dir}",
                "--headless",
                "--invisible",
                "--nologo",
                "--norestore",
                "--nodefault",
                "--nolockcheck",
                "--convert-to",
                filt,
                "--outdir",
                str(out),
                *names,
            ]
            proc = subprocess.Popen(
                cmd,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                env={**os.environ, "HOME": tmp, "SAL_USE_VCLPLUGIN": "svp"},
            )
            try:
                proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                raise _error(  # noqa: B904
                    "ConverterTimeout", f"LibreOffice did not finish {len(items)} file(s) in {timeout_s:.0f} s"
                )
            results: list[bytes | None] = []
            for i in range(len(items)):
                p = out / f"f{i:05d}.{target}"
                results.append(p.read_bytes() if p.exists() and p.stat().st_size else None)
            return results


_converter: Converter | None = None
_converter_pid: int | None = None


def converter() -> Converter:
    """The process-wide converter (its own LibreOffice profile directory)."""
    global _converter, _converter_pid
    if _converter is None or _converter_pid != os.getpid():
        _converter, _converter_pid = Converter(), os.getpid()
    return _converter


def use_profile(profile_dir: str) -> None:
    """Make this process convert with the given LibreOffice profile (one per worker)."""
    global _converter, _converter_pid
    _converter, _converter_pid = Converter(profile_dir), os.getpid()


def convert_to_docx(data: bytes) -> bytes:
    sha = hashlib.sha256(data).hexdigest()
    if sha in CONVERTED:
        return CONVERTED.pop(sha)
    t0 = time.monotonic()
    (docx,) = converter().convert([data], "docx")
    if docx is None:
        raise _error("ConversionFailed", f"LibreOffice could not convert the file ({time.monotonic() - t0:.1f} s)")
    return docx


def read_doc(data: bytes, fmt: str = "doc") -> Document:
    """Read DOC/WPS bytes: convert to DOCX with LibreOffice (or take a batch-converted copy), then walk it."""
    from nianbao.readers.docx import read_docx

    docx = convert_to_docx(data)
    doc = read_docx(docx)
    doc.format = fmt
    doc.warnings.insert(0, "converted to DOCX by LibreOffice")
    return doc
