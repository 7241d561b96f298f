"""Metadata a page carries beside the report text: a portal's 发布机构/发布日期 box, a crawler's header lines
(标题: / 发布时间: / 发布机构:), an HTML <meta>. Used where the report's own text is silent."""

import re

from nianbao.document import Document

TITLE, BODY, DATE, SOURCE = "title", "body", "date", "source"
_LABELS = {
    "标题": TITLE,
    "文章标题": TITLE,
    "发布机构": BODY,
    "发布单位": BODY,
    "发文机关": BODY,
    "发文单位": BODY,
    "公开单位": BODY,
    "发布时间": DATE,
    "发布日期": DATE,
    "发文日期": DATE,
    "成文日期": DATE,
    "公开日期": DATE,
    "印发日期": DATE,
    "来源": SOURCE,
    "信息来源": SOURCE,
}
# 'label: value' on a line; a converter's table pipes or TABs may sit between (发布单位: | 谢塘镇 |)
_LABEL_ALTERNATION = "|".join(sorted(_LABELS, key=len, reverse=True))
_FIELD = re.compile(
    rf"(?<![\u4e00-\u9fff])(?P<label>{_LABEL_ALTERNATION})\s*[:：]\s*(?:[|\t]\s*)*"
    r"(?P<value>[^|\t\n]{1,80}?)\s*(?=[|\t\n]|$|\s{2,})"
)
_HEAD_CHARS = 4000  # the header lines and a portal's box come before the report
_HTML_META = {
    "articletitle": TITLE,
    "title": TITLE,
    "pubdate": DATE,
    "publishdate": DATE,
    "firstpublishedtime": DATE,
    "article:published_time": DATE,
    "dc.date": DATE,
    "dcterms.issued": DATE,
    "author": BODY,
    "contentsource": SOURCE,
}


def page_fields(doc: Document) -> dict[str, str]:
    """{title, body, date, source}: the first value found for each, from the reader's metadata, then the text."""
    out: dict[str, str] = {}
    meta = getattr(doc, "meta", None) or {}
    for label, value in meta.items():
        kind = _LABELS.get(label)
        if kind and isinstance(value, str) and value.strip():
            out.setdefault(kind, value.strip())
    for name, value in (meta.get("html_meta") or {}).items():
        kind = _HTML_META.get(name.lower())
        if kind and value.strip():
            out.setdefault(kind, value.strip())
    head = doc.text[:_HEAD_CHARS]
    found = []
    for (
        label,
        kind,
    ) in _LABELS.items():  # str.find per label, then the pattern where one stands: far cheaper than a scan
        i = head.find(label)
        while i >= 0:
            m = _FIELD.match(head, i)
            if m and m["label"] == label:
                found.append((i, kind, m["value"].strip()))
            i = head.find(label, i + 1)
    for _, kind, value in sorted(found):
        if value and not _FIELD.match(value) and value.rstrip(":：") not in _LABELS:
            out.setdefault(kind, value)
    return out
