"""Render a Document to an HTML page (optionally wrapped in government-portal chrome) in a chosen encoding."""

from html import escape

from nianbao.document import Document, Paragraph, Table

PORTAL_HEAD = """<div class="header"><div class="logo">{site}</div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/hdjl/">互动交流</a></li>
<li><a href="/bsfw/">办事服务</a></li></ul></div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 年度报告</div>
<script>var _hmt = _hmt || []; document.write("统计代码 不应出现");</script>
<table class="xxgk-meta" width="100%" border="1">
<tr><td>索引号：</td><td>{index_no}</td><td>发布机构：</td><td>{publisher}</td></tr>
<tr><td>生成日期：</td><td>{date}</td><td>发文日期：</td><td>{date}</td></tr>
</table>
"""
PORTAL_FOOT = """<div class="footer"><p>主办单位：{site} 版权所有</p><p>网站标识码 3708000001 ICP备案号 鲁ICP备05000000号</p></div>
<style>.TRS_Editor p {{ text-indent: 2em; }}</style>"""


def table_html(t: Table) -> str:
    """A <table> with rowspan/colspan; each line of cell text becomes a <p> (Word-style HTML)."""
    out = ['<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse">']
    for row in t.rows():
        out.append("<tr>")
        for c in row:
            attrs = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (
                f' colspan="{c.colspan}"' if c.colspan > 1 else ""
            )
            inner = "".join(f"<p>{escape(line) or '&nbsp;'}</p>" for line in c.text.split("\n")) if c.text else "&nbsp;"
            out.append(f"<td{attrs}>{inner}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "\n".join(out)


def table_p_rows(t: Table) -> str:
    """A table as converters leave it on some portals: one <p> per row, cells joined by ' | '."""
    return "\n".join("<p>" + escape(" | ".join(c.text.replace("\n", "") for c in row)) + "</p>" for row in t.rows())


def render_html(
    doc: Document,
    encoding: str = "utf-8",
    charset_label: str | None = None,
    portal: bool = False,
    title: str = "政府信息公开工作年度报告",
    site: str = "某县人民政府",
    index_no: str = "11370826004323472M/2020-00012",
    publisher: str = "某县科技局",
    date: str = "2020-01-20",
    meta: dict[str, str] | None = None,
    p_rows: bool = False,
) -> bytes:
    """HTML bytes in `encoding`, declaring `charset_label` (default: the encoding itself); `meta` adds
    <meta name=… content=…> tags (PubDate, Author); `p_rows` prints tables as '|' rows inside <p>."""
    body = []
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            body.append(f"<p>{escape(b.text)}</p>")
        else:
            body.append(table_p_rows(b) if p_rows else table_html(b))
    content = "\n".join(body)
    label = charset_label or encoding
    tags = "".join(f'<meta name="{escape(k)}" content="{escape(v)}">' for k, v in (meta or {}).items())
    head = (
        f'<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" content="text/html; charset={label}">'
        f'<title>{escape(title)}</title><meta name="ArticleTitle" content="{escape(title)}">{tags}</head><body>\n'
    )
    if portal:
        page = (
            head
            + PORTAL_HEAD.format(site=site, index_no=index_no, publisher=publisher, date=date)
            + f'<div class="article"><h1 class="title">{escape(title)}</h1>\n<div class="TRS_Editor">\n{content}\n</div></div>\n'
            + PORTAL_FOOT.format(site=site)
            + "</body></html>\n"
        )
    else:
        page = head + content + "\n</body></html>\n"
    return page.encode(encoding)
