"""Renderers: a Document to HTML, DOCX, PDF (LibreOffice) and scanned PDF, for tests and benchmarks."""
