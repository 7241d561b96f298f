"""Source documents served with the BI site: for each report in the snapshot, its extracted text with the cells of
its rule failures marked (docs/<sha256>/index.html#c<char_start>), a copy of the original file, and for a PDF one
page per failing page (a rendered image when pypdfium2 or pdftoppm can render it, else the PDF at #page=N).

Usage: python bi/sitedocs.py SNAPSHOT OUT_DIR   (make bi runs it into bi/static/docs)
"""

import html
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

_STYLE = """<style>
body { font-family: "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif; margin: 2em auto; max-width: 60em;
       line-height: 1.6; }
pre { white-space: pre-wrap; word-break: break-all; font-family: inherit; }
mark { background: #fde68a; padding: 0 2px; }
mark:target { background: #f87171; color: #fff; outline: 3px solid #b91c1c; }
nav a { margin-right: 1.5em; }
</style>"""


@dataclass(frozen=True)
class Mark:
    """A cell of a failed rule: its span in the extracted text and what to say about it."""

    start: int
    end: int
    title: str


def documents(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str]]:
    """(sha256, path, format, agency and year) of every chosen report and every report with a rule failure."""
    return con.execute("""
        with wanted as (
            select report_id from marts.dim_reports
            union select report_id from marts.rpt_report_quality
            union select report_id from marts.rpt_rule_failures where report_id is not null
        )
        select f.source_sha256, min(f.source_path), min(f.file_format),
            coalesce(min(r.agency_name), '') || ' ' || coalesce(min(r.report_year)::varchar, '')
        from marts.dim_report_files f
        join wanted w on w.report_id = f.source_sha256
        left join marts.dim_reports r on r.report_id = f.source_sha256
        group by f.source_sha256
        order by 1
    """).fetchall()


def marks(con: duckdb.DuckDBPyConnection) -> dict[str, list[Mark]]:
    """The located cells of every rule failure, by report."""
    out: dict[str, list[Mark]] = {}
    rows = con.execute("""
        select report_id, char_start, char_end, string_agg(distinct rule_id || '：' || message, '；')
        from marts.rpt_rule_failures
        where char_start is not null and char_end > char_start
        group by all order by 1, 2
    """).fetchall()
    for sha, start, end, title in rows:
        out.setdefault(sha, []).append(Mark(int(start), int(end), title))
    return out


def failing_pages(con: duckdb.DuckDBPyConnection) -> dict[str, list[int]]:
    """The pages of every report that hold a failing cell."""
    out: dict[str, list[int]] = {}
    for sha, page in con.execute(
        "select distinct report_id, page from marts.rpt_rule_failures where page is not null order by 1, 2"
    ).fetchall():
        out.setdefault(sha, []).append(int(page))
    return out


def marked_text(text: str, cells: list[Mark]) -> str:
    """The text as HTML with each cell wrapped in <mark id="c<start>"> (overlapping spans keep the first)."""
    parts, pos = [], 0
    for m in sorted(cells, key=lambda m: (m.start, m.end)):
        if m.start < pos or m.end > len(text):
            continue
        parts.append(html.escape(text[pos : m.start]))
        parts.append(
            f'<mark id="c{m.start}" title="{html.escape(m.title)}">{html.escape(text[m.start : m.end])}</mark>'
        )
        pos = m.end
    parts.append(html.escape(text[pos:]))
    return "".join(parts)


def extracted_text(data: bytes, path: str, fmt: str) -> str | None:
    """The text the extractor read (the spans of the marts point into it); None when it cannot be read again."""
    from nianbao.readers import read_document

    try:
        return read_document(data, path, fmt).text
    except Exception:  # noqa: BLE001 - a file that no longer reads is shown as unavailable, never a failed build
        return None


def render_page(pdf: Path, page: int, png: Path) -> bool:
    """Render one PDF page (1-based) to PNG with pypdfium2, else pdftoppm; False when neither can."""
    try:
        import pypdfium2

        doc = pypdfium2.PdfDocument(str(pdf))
        try:
            doc[page - 1].render(scale=1.5).to_pil().save(png)
        finally:
            doc.close()
        return True
    except Exception as e:  # noqa: BLE001 - no pypdfium2, or a page it cannot render: try pdftoppm
        print(f"sitedocs: pypdfium2 cannot render {pdf} page {page}: {e}", file=sys.stderr)
    if shutil.which("pdftoppm"):
        stem = png.with_suffix("")
        done = subprocess.run(
            ["pdftoppm", "-png", "-r", "110", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(stem)],
            capture_output=True,
            timeout=60,
            check=False,
        )
        return done.returncode == 0 and png.exists()
    return False


def page_html(title: str, page: int, has_image: bool) -> str:
    """The page view of a PDF: the rendered image, or the PDF opened at the page."""
    body = (
        f'<img src="page-{page}.png" alt="第 {page} 页" style="max-width:100%;border:1px solid #ccc">'
        if has_image
        else f'<iframe src="source.pdf#page={page}" style="width:100%;height:90vh"></iframe>'
    )
    return (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)} 第 {page} 页'
        f'</title>{_STYLE}</head><body><nav><a href="./">提取文本</a><a href="source.pdf#page={page}">原始 PDF</a>'
        f"</nav><h1>{html.escape(title)}：第 {page} 页</h1>{body}</body></html>"
    )


def raw_file(path: str) -> Path:
    """The file a mart's source_path names: the marts publish paths relative to the raw dir (NIANBAO_RAW_DIR)."""
    from orchestration import settings

    p = Path(path)
    return p if p.is_absolute() else settings.raw_dir() / p


def write_document(out: Path, sha: str, path: str, fmt: str, title: str, cells: list[Mark], pages: list[int]) -> None:
    """docs/<sha>/: index.html (marked text), source.<ext> (a copy), page-N.html (+ .png) for a PDF."""
    folder = out / sha
    folder.mkdir(parents=True, exist_ok=True)
    src = raw_file(path)
    ext = fmt if fmt in ("txt", "html", "pdf", "docx", "doc") else "bin"
    nav = []
    try:
        data = src.read_bytes()
    except OSError:
        data = None
    if data is not None:
        (folder / f"source.{ext}").write_bytes(data)
        nav.append(f'<a href="source.{ext}">原始文件（{fmt}）</a>')
    if fmt == "pdf":  # every failing page gets its page view, the site links to it
        for page in pages:
            has_image = data is not None and render_page(folder / f"source.{ext}", page, folder / f"page-{page}.png")
            (folder / f"page-{page}.html").write_text(page_html(title, page, has_image), encoding="utf-8")
            nav.append(f'<a href="page-{page}.html">第 {page} 页</a>')
    text = extracted_text(data, path, fmt) if data is not None else None
    if text is None:
        body = "<p>原文件已不在原路径，或无法再次读取。</p>"
    else:
        body = f"<pre>{marked_text(text, cells)}</pre>"
    (folder / "index.html").write_text(
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"{_STYLE}</head><body><nav>{''.join(nav)}</nav><h1>{html.escape(title)}</h1>"
        f"<p>sha256：<code>{sha}</code>　文件：{html.escape(src.name)}　标出的是规则失败所涉单元格"
        f"（共 {len(cells)} 处）。</p>{body}</body></html>",
        encoding="utf-8",
    )


def build(snapshot: Path, out: Path) -> int:
    """Write docs/ for every report of the snapshot; returns the number of documents written."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        docs, cell_marks, pages = documents(con), marks(con), failing_pages(con)
    finally:
        con.close()
    for sha, path, fmt, title in docs:
        write_document(out, sha, path, fmt, title.strip(), cell_marks.get(sha, []), pages.get(sha, []))
    return len(docs)


if __name__ == "__main__":
    n = build(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"sitedocs: {n} source documents under {sys.argv[2]}")
