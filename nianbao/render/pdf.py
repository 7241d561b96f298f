"""Render a Document or DOCX bytes to PDF through LibreOffice headless (many files per soffice run)."""

import json

from nianbao.document import Document
from nianbao.readers.doc import converter
from nianbao.render.docx import render_docx


def docx_to_pdf(docx_items: list[bytes], password: str | None = None) -> list[bytes]:
    """PDF bytes for each DOCX, converted in one LibreOffice run (encrypted with a user password if given)."""
    spec = None
    if password:
        opts = {
            "EncryptFile": {"type": "boolean", "value": "true"},
            "DocumentOpenPassword": {"type": "string", "value": password},
        }
        spec = "pdf:writer_pdf_Export:" + json.dumps(opts)
    out = converter().convert(list(docx_items), "pdf", in_ext="docx", filter_spec=spec)
    if any(o is None for o in out):
        raise RuntimeError("LibreOffice did not convert every DOCX to PDF")
    return out


def render_pdf(doc: Document, **docx_kw) -> bytes:
    """A text PDF (ruled tables, real text layer) of a Document."""
    return docx_to_pdf([render_docx(doc, **docx_kw)])[0]


def docx_to_doc(docx_items: list[bytes]) -> list[bytes]:
    """Word 97 DOC bytes for each DOCX (LibreOffice), e.g. to test the DOC/WPS reader."""
    out = converter().convert(list(docx_items), "doc", in_ext="docx")
    if any(o is None for o in out):
        raise RuntimeError("LibreOffice did not convert every DOCX to DOC")
    return out
