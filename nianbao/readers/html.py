"""HTML pages to the document model: own charset decoding, content-container choice, tables with spans."""

import re

import lxml.html
from lxml import etree

from nianbao.document import Document, Paragraph, Table

# WHATWG maps these labels to GBK; we go one step further to GB18030, its superset.
GB_LABELS = {
    "gb2312",
    "gbk",
    "cp936",
    "x-gbk",
    "gb_2312-80",
    "gb_2312",
    "csgb2312",
    "chinese",
    "iso-ir-58",
    "csiso58gb231280",
    "windows-936",
    "ms936",
    "euc-cn",
    "gb18030",
}
META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
CONTAINERS = (
    ".TRS_Editor",
    "#zoom",
    "#Zoom",
    "#UCAP-CONTENT",
    ".article-content",
    ".article_content",
    ".article",
    "#article",
    ".art_con",
    ".wzcon",
    ".zw",
    "#zw",
    ".content-text",
    ".main-text",
    "#content",
    ".content",
    "article",
)
DROP_TAGS = {
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "iframe",
    "form",
    "select",
    "button",
    "input",
    "textarea",
    "template",
    "svg",
    "object",
    "embed",
    "head",
    "title",
}
BLOCK_TAGS = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "section",
    "article",
    "center",
    "blockquote",
    "pre",
    "tr",
    "address",
    "figure",
    "figcaption",
    "main",
    "aside",
    "hr",
    "caption",
    "table",
    "body",
    "html",
}
META_LABELS = (
    "索引号",
    "发布机构",
    "发文机关",
    "发文日期",
    "成文日期",
    "发布日期",
    "公开日期",
    "主题分类",
    "文号",
    "信息来源",
    "主题词",
    "生成日期",
    "公开方式",
    "有效性",
)
META_PAIR = re.compile(r"(%s)\s*[:：]\s*([^\s:：|]{1,60})" % "|".join(META_LABELS))  # noqa: UP031
CHROME_CLASS = re.compile(
    r"(^|[\s_-])(nav|navbar|menu|breadcrumb|crumbs?|location|position|share|"
    r"footer|header|top|bottom|copyright|sidebar|related|print|close|tool)s?($|[\s_-])",
    re.I,
)
CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
WS_NL = re.compile(r"(?<=[%s])[ \t\r\f]*\n\s*(?=[%s])" % (CJK, CJK))  # noqa: UP031
WS = re.compile(r"[ \t\r\n\f\u00a0\u2002\u2003\u2009\u200b]+")


def decode_html(data: bytes) -> tuple[str, str]:
    """Decode page bytes: BOM, then the declared charset (GB labels read as GB18030), strict UTF-8, GB18030."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom) :].decode(enc, errors="replace"), enc
    declared = None
    m = META_CHARSET.search(data[:8192])
    if m:
        label = m.group(1).decode("ascii", "ignore").lower().strip()
        declared = "gb18030" if label in GB_LABELS else label
    tried = []
    for enc in (declared, "utf-8", "gb18030"):
        if not enc or enc in tried:
            continue
        tried.append(enc)
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        import chardet

        guess = (chardet.detect(data[:65536]) or {}).get("encoding")
        if guess:
            guess = "gb18030" if guess.lower() in GB_LABELS else guess.lower()
            return data.decode(guess, errors="replace"), guess
    except (LookupError, ImportError):
        pass
    return data.decode("utf-8", errors="replace"), "utf-8"


def clean(text: str) -> str:
    """Collapse HTML whitespace on one line; a line break between two CJK characters is dropped."""
    return WS.sub(" ", WS_NL.sub("", text)).strip()


def _tag(el) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _lines(el, out: list[str], cur: list[str]) -> None:
    """Flow text of `el` into lines: block boundaries and <br> end a line; tables give one line per row."""
    tag = _tag(el)
    if tag in DROP_TAGS or not tag:
        if el.tail:
            cur.append(el.tail)
        return
    block = tag in BLOCK_TAGS
    if block or tag == "br":
        _flush(out, cur)
    if tag != "br":
        if el.text:
            cur.append(el.text)
        for child in el:
            _lines(child, out, cur)
            if _tag(child) in ("td", "th"):
                cur.append(" ")
    if block:
        _flush(out, cur)
    if el.tail:
        cur.append(el.tail)


def _flush(out: list[str], cur: list[str]) -> None:
    if cur:
        line = clean("".join(cur))
        cur.clear()
        if line:
            out.append(line)


def element_lines(el) -> list[str]:
    out: list[str] = []
    cur: list[str] = []
    if el.text:
        cur.append(el.text)
    for child in el:
        _lines(child, out, cur)
    _flush(out, cur)
    return out


def _rows_of(table) -> list:
    return table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")


def _span(el, name: str) -> int:
    try:
        return max(1, min(int(re.sub(r"[^0-9]", "", el.get(name, "1")) or 1), 1000))
    except ValueError:
        return 1


def build_table(table, page=None) -> Table | None:
    """An HTML <table> as anchor cells with its row and column spans; cell text keeps its lines."""
    rows = []
    trs = _rows_of(table)
    for i, tr in enumerate(trs):
        row = []
        for td in tr.xpath("./td|./th"):
            rowspan = min(_span(td, "rowspan"), len(trs) - i)
            text = "\n".join(element_lines(td))
            row.append((text, rowspan, _span(td, "colspan")))
        rows.append(row)
    t = Table.from_rows(rows, page=page, source="html")
    if not any(c.text for c in t.cells):
        return None
    return t


def is_meta_table(table) -> bool:
    """The portal's 索引号/发布机构/发文日期 box: a small table naming two or more metadata labels."""
    text = table.text_content()
    hits = sum(1 for lab in META_LABELS if lab in text)
    return hits >= 2 and len(_rows_of(table)) <= 8 and len(text) < 600


def collect_meta(root) -> dict:
    """Page metadata: <title>, <meta name=...> and the 索引号/发布机构/发文日期 label-value pairs."""
    meta: dict = {}
    title = root.find(".//title")
    if title is not None and title.text_content().strip():
        meta["title"] = clean(title.text_content())
    for m in root.iter("meta"):
        name, content = (m.get("name") or "").strip(), (m.get("content") or "").strip()
        if name and content and name.lower() not in ("viewport", "robots", "renderer", "format-detection"):
            meta.setdefault("html_meta", {})[name] = content[:300]
    for table in root.iter("table"):
        if is_meta_table(table):
            cells = [clean(td.text_content()) for td in table.iter("td", "th")]
            for k, cell in enumerate(cells):
                lab = cell.rstrip(":： ")
                if (
                    lab in META_LABELS
                    and k + 1 < len(cells)
                    and cells[k + 1]
                    and cells[k + 1].rstrip(":：") not in META_LABELS
                ):
                    meta.setdefault(lab, cells[k + 1])
                for mm in META_PAIR.finditer(cell):
                    meta.setdefault(mm.group(1), mm.group(2))
    body = root.find("body")
    text = clean((body if body is not None else root).text_content())[:20000]
    for mm in META_PAIR.finditer(text):
        meta.setdefault(mm.group(1), mm.group(2))
    return meta


def _text_len(el) -> int:
    return len(WS.sub("", el.text_content()))


def find_container(root):
    """The content container: a known portal class/id with real text, else the densest text block."""
    for sel in CONTAINERS:
        for el in _select(root, sel):
            if _text_len(el) >= 30:
                return el
    return _densest(root)


def _select(root, sel: str) -> list:
    """`#id`, `.class` or a tag name, by XPath (no cssselect dependency)."""
    if sel.startswith("#"):
        return root.xpath("//*[@id=$v]", v=sel[1:])
    if sel.startswith("."):
        return root.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), $v)]", v=f" {sel[1:]} ")
    return root.xpath(f"//{sel}")


def _densest(root):
    """Readability-style: paragraphs and tables credit their parent (and half to the grandparent)."""
    scores: dict = {}
    for el in root.iter("p", "table", "td", "div", "span", "font"):
        own = len(WS.sub("", "".join(el.xpath("./text()"))))
        if _tag(el) in ("p", "table"):
            own = _text_len(el)
        if own < 10:
            continue
        links = sum(len(a.text_content()) for a in el.iter("a"))
        own = max(own - 2 * links, 0)
        parent = el.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0) + own
        gp = parent.getparent()
        if gp is not None:
            scores[gp] = scores.get(gp, 0) + own / 2
    if not scores:
        body = root.find("body")
        return body if body is not None else root
    return max(scores, key=scores.get)


def _is_chrome(el) -> bool:
    ident = " ".join(filter(None, (el.get("class"), el.get("id"))))
    return bool(ident) and bool(CHROME_CLASS.search(ident)) and _tag(el) not in ("table", "td", "tr", "p")


def walk(el, blocks: list, cur: list[str]) -> None:
    """Blocks in reading order: data tables become Tables, layout tables and the rest flow as paragraphs."""
    tag = _tag(el)
    if not tag or tag in DROP_TAGS or _is_chrome(el):
        if el.tail:
            cur.append(el.tail)
        return
    if tag == "table":
        _flush_para(blocks, cur)
        if is_meta_table(el):
            pass  # kept in Document.meta, not a statistics table
        elif el.xpath(".//table"):  # a layout table around the content: read its cells as flow
            for child in el:
                walk(child, blocks, cur)
            _flush_para(blocks, cur)
        else:
            t = build_table(el)
            if t is not None:
                blocks.append(t)
        if el.tail:
            cur.append(el.tail)
        return
    block = tag in BLOCK_TAGS or tag in ("td", "th")
    if block or tag == "br":
        _flush_para(blocks, cur)
    if tag != "br":
        if el.text:
            cur.append(el.text)
        for child in el:
            walk(child, blocks, cur)
    if block:
        _flush_para(blocks, cur)
    if el.tail:
        cur.append(el.tail)


def _flush_para(blocks: list, cur: list[str]) -> None:
    if cur:
        text = clean("".join(cur))
        cur.clear()
        if text:
            blocks.append(Paragraph(text))


def page_title(root, meta: dict, container) -> str | None:
    """The article title: <meta name=ArticleTitle>, else an <h1>/<h2> outside the container, else <title>."""
    title = (meta.get("html_meta") or {}).get("ArticleTitle")
    if not title:
        for h in root.iter("h1", "h2"):
            if container not in h.iterancestors() and h is not container:
                title = clean(h.text_content())
                if title:
                    break
    if not title and meta.get("title"):
        title = re.split(r"\s*[-_|—]\s*", meta["title"])[0]
    return clean(title) if title else None


def read_html(data: bytes) -> Document:
    """Read an HTML page (bytes) into a Document with its content paragraphs and statistics tables."""
    text, encoding = decode_html(data)
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    warnings: list[str] = []
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as e:
        from nianbao.readers import ReadError

        raise ReadError("CorruptHTML", f"HTML could not be parsed: {e}") from e
    for bad in root.xpath("//script|//style|//noscript|//comment()"):
        if bad.getparent() is not None:
            bad.drop_tree()
    meta = collect_meta(root)
    container = find_container(root)
    blocks: list = []
    cur: list[str] = []
    if _tag(container) == "table" and not is_meta_table(container):
        walk(container, blocks, cur)
    else:
        if container.text:
            cur.append(container.text)
        for child in container:
            walk(child, blocks, cur)
    _flush_para(blocks, cur)
    title = page_title(root, meta, container)
    if title and not any(isinstance(b, Paragraph) and title in b.text for b in blocks[:3]):
        blocks.insert(0, Paragraph(title))  # the article title sits outside the content container
    if not blocks:
        warnings.append("no content found in the HTML page")
    imgs = len(container.xpath(".//img"))
    if imgs:
        warnings.append(f"the content holds {imgs} image(s), which are not read")
    return Document.from_blocks(
        blocks, format="html", encoding=encoding, pages=None, ocr=False, warnings=warnings, meta=meta
    )
