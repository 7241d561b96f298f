"""Sniff a file's format from its bytes (never from its name alone)."""

import io
import zipfile

_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff_format(data: bytes, name: str = "") -> str:
    """One of pdf, docx, doc, wps, html, txt, image, zip, empty, binary."""
    if not data:
        return "empty"
    head = data[:4096]
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(OLE_MAGIC):
        return "wps" if name.lower().endswith((".wps", ".et")) else "doc"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            return "binary"
        return "docx" if "word/document.xml" in names else "zip"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")):
        return "image"
    probe = head.lstrip(b"\xef\xbb\xbf\xff\xfe\t\r\n ").lower()
    if (
        probe.startswith((b"<!doctype html", b"<html", b"<head", b"<meta", b"<body", b"<div", b"<table", b"<p"))
        or b"<html" in head.lower()
    ):
        return "html"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "txt"
    # text if it has no NUL bytes and few control characters
    sample = data[:65536]
    if b"\x00" in sample:
        return "binary"
    ctrl = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return "binary" if ctrl > len(sample) * 0.01 else "txt"
