"""Readers: raw bytes of any supported format to the document model (`nianbao.document.Document`)."""

from nianbao.document import Document
from nianbao.readers.sniff import sniff_format


class ReadError(Exception):
    """A file that cannot be read into a document; `kind` is a stable error class for the quarantine."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def read_document(data: bytes, name: str = "", fmt: str | None = None) -> Document:
    """Read bytes into a Document, dispatching on the sniffed format."""
    fmt = fmt or sniff_format(data, name)
    if fmt == "empty":
        raise ReadError("EmptyFile", "the file is empty (0 bytes)")
    if fmt == "txt":
        from nianbao.readers.text import read_text

        return read_text(data)
    if fmt == "html":
        from nianbao.readers.html import read_html

        return read_html(data)
    if fmt == "docx":
        from nianbao.readers.docx import read_docx

        return read_docx(data)
    if fmt in ("doc", "wps"):
        from nianbao.readers.doc import read_doc

        return read_doc(data, fmt)
    if fmt == "pdf":
        from nianbao.readers.pdf import read_pdf

        return read_pdf(data)
    if fmt == "image":
        from nianbao.readers.ocr import read_image

        return read_image(data)
    raise ReadError("UnsupportedFormat", f"not a supported report format (sniffed as {fmt})")
