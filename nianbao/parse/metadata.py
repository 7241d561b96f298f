"""Report metadata: the publishing body as printed, the year covered, the publication date, the region."""

import functools
import re
from collections import Counter
from datetime import date

from nianbao.document import Document, Paragraph
from nianbao.parse.fields import BODY, DATE, SOURCE, TITLE, page_fields
from nianbao.parse.textblocks import text_blocks
from nianbao.regions import resolve
from nianbao.values import zh_to_int

_ZH = "〇零一二三四五六七八九十"
_YEAR = r"(?P<y>(?:19|20)\d{2}|[〇零一二][〇零一二三四五六七八九]{3})"
_DATE = re.compile(rf"{_YEAR}\s*年\s*(?P<m>\d{{1,2}}|[{_ZH}]{{1,2}})\s*月\s*(?P<d>\d{{1,2}}|[{_ZH}]{{1,3}})\s*日")
_ISO_DATE = re.compile(r"(?P<y>20\d{2})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})")
_TITLE_YEAR = re.compile(rf"{_YEAR}\s*年\s*度?")
_PERIOD = re.compile(r"统计期限(?:为|是)?\s*自?\s*(?P<y>(?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_TITLE_TAIL = re.compile(r"(?:政府)?信息公开(?:工作)?(?:年度)?(?:报告|年报).*$")
_UNIT_NAME = re.compile(r"(?:单位名称|填报单位)\s*[:：]\s*(?P<name>[^\s:：|，,。]{2,40}?)(?=\s|联系人|$|[|，,。])")
_UNIT_WORDS = ("单位名称", "填报单位")  # a statistics form's own field; a page's 发布机构 is in fields.py
_SIGNATURE = re.compile(
    r"^[\u4e00-\u9fff（）()]{2,40}(?:局|委员会|委|办公室|办|政府|办事处|协会|中心|院|会|厅|署|所|站|处|部|队)$"
)
_BODY_WORDS = (
    "局",
    "委",
    "办",
    "政府",
    "办事处",
    "协会",
    "科协",
    "中心",
    "院",
    "厅",
    "署",
    "街道",
    "镇",
    "乡",
    "部",
    "会",
)


_NAMES_REPORT = re.compile(r"(?:信息公开|政务公开).{0,8}(?:报告|年报)")
_BRACKET_EDGE = re.compile(r"^[（(【\[]|[）)】\]]$")


def _no_space(s: str) -> str:
    """The text without any whitespace (str.split's whitespace is regex \\s: both are str.isspace)."""
    return "".join(s.split())


def _num(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    return zh_to_int(s)


def _year(s: str) -> int | None:
    y = _num(s)
    return y if y and 1990 <= y <= 2100 else None


def parse_date(text: str) -> str | None:
    m = _DATE.search(text) or _ISO_DATE.search(text)
    if not m:
        return None
    y, mo, d = _year(m["y"]), _num(m["m"]), _num(m["d"])
    try:
        return date(y, mo, d).isoformat() if y and mo and d else None
    except ValueError:
        return None


# Markup a converter leaves on a line (Markdown '#', '|' cell edges, '**'), and a crawler's 'label:' in front
_LINE_MARKUP = re.compile(r"^[#>*|\s]+|[|*\s]+$")
_FIELD_LABEL = re.compile(r"^(?:标题|文章标题|题目|名称)\s*[:：]\s*")
_MARKUP_CHARS = frozenset("#>*|")
_TITLE_LINES = 8


def _lines(blocks: list[Paragraph]) -> list[str]:
    """The text lines of a document's text_blocks, markup stripped."""
    out = []
    for b in blocks:
        s = b.text.strip()
        if s and (s[0] in _MARKUP_CHARS or s[-1] in _MARKUP_CHARS):  # the regex only where it can act
            s = _LINE_MARKUP.sub("", s)
        if s:
            out.append(s)
    return out


def title_line(lines: list[str]) -> str | None:
    """The title: among the first lines, one that names the annual report; a generic one (a portal's page
    title '政府信息公开工作年度报告') gives way to a later one that names the body or the year."""
    titles = [line for line in lines[:_TITLE_LINES] if len(line) <= 80 and _NAMES_REPORT.search(line)]
    for line in titles:
        if agency_from_title(line) or _TITLE_YEAR.search(_no_space(line)):
            return line
    return titles[0] if titles else None


@functools.lru_cache(maxsize=4096)
def _title_stem(title: str) -> str:
    """The title without year, report words, brackets and a 'label:' in front: what names the body or place."""
    s = _FIELD_LABEL.sub("", _no_space(title))
    s = _BRACKET_EDGE.sub("", s)
    s = _TITLE_TAIL.sub("", s)
    s = _TITLE_YEAR.sub("", s)
    return s.removesuffix("关于").strip("的：:，, ").removeprefix("关于")


def agency_from_title(title: str) -> str | None:
    s = _title_stem(title)
    return s if len(s) >= 2 and any(w in s for w in _BODY_WORDS) else None


_PLACE_ONLY = re.compile(r"^[\u4e00-\u9fff]{2,20}(?:省|市|县|区|旗|州|盟|镇|乡|街道)$")


def place_from_title(title: str) -> str | None:
    """A title that names a place and no body (平潭综合实验区2019年度…报告): the place, for its government."""
    s = _title_stem(title)
    return s if _PLACE_ONLY.match(s) else None


def _body_line_before(lines: list[str], title: str | None) -> str | None:
    """The body's name printed alone on the line above a title that does not name it (淮安市人民政府 / 2024年…报告)."""
    if not title or title not in lines[:_TITLE_LINES]:
        return None
    i = lines.index(title)
    if i == 0:
        return None
    s = _no_space(lines[i - 1])
    return s if _SIGNATURE.match(s) and not _NOT_A_BODY.search(s) else None


def report_year(doc: Document, lines: list[str], title: str | None, published: str | None) -> int | None:
    if title:
        m = _TITLE_YEAR.search(_no_space(title))
        if m and _year(m["y"]):
            return _year(m["y"])
    m = _PERIOD.search(doc.text)
    if m:
        return int(m["y"])
    head = "\n".join(lines[:12])
    m = _TITLE_YEAR.search(head)
    pub_year = int(published[:4]) if published else None
    counts = Counter(int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})\s*年", doc.text))
    if pub_year:
        counts = Counter({y: c for y, c in counts.items() if y <= pub_year})
        if pub_year - 1 in counts:
            return pub_year - 1
    if m and _year(m["y"]):
        return _year(m["y"])
    return counts.most_common(1)[0][0] if counts else None


_DATE_NOISE = re.compile(r"[\s()（）]")
_CLAUSE_PUNCT = re.compile(r"[，。；：、]")
_DATE_LABEL = re.compile(r"(?:发布日期|发文日期|成文日期|日期)[:：](.+)$")
_SIGNED_DATE = re.compile(rf"^[\u4e00-\u9fff（）()]{{2,30}}?(?P<date>{_DATE.pattern})$")


def _standalone_date(line: str) -> str | None:
    """A date alone on its line, or after the signature on the same line (PDF text joins the two)."""
    s = _DATE_NOISE.sub("", line)
    if _DATE.fullmatch(s) or _ISO_DATE.fullmatch(s):
        return parse_date(s)
    m = _SIGNED_DATE.match(s)
    if m and not _CLAUSE_PUNCT.search(s):
        return parse_date(m.group("date"))
    m = _DATE_LABEL.match(s)
    return parse_date(m.group(1)) if m else None


def published_on(lines: list[str]) -> str | None:
    """A date standing on its own line: the last one (the signature; before any attached 统计表), else none."""
    for line in reversed(lines):
        if len(line) <= 40 and ("日" in line or "-" in line or "/" in line or "." in line):
            d = _standalone_date(line)
            if d:
                return d
    return None


_NOT_A_BODY = re.compile(r"情况|工作|报告|问题|措施|事项")


def _signature(lines: list[str]) -> str | None:
    for line in reversed(lines[-6:]):
        s = re.sub(r"\s+", "", line)
        if _SIGNATURE.match(s) and not _NOT_A_BODY.search(s):
            return s
    return None


def _is_body(name: str | None) -> bool:
    return bool(name) and len(name) <= 40 and any(w in name for w in _BODY_WORDS)


def agency(doc: Document, lines: list[str], title: str | None, fields: dict | None = None) -> str | None:
    """The publishing body: the title's, the name above the title, a form's 填报单位, the signature, the page's
    发布机构 field, the place the title names; first found wins. A portal's 发布机构 is the site owner as often
    as the author, so the report's own words go first."""
    fields = fields or {}
    if title and (name := agency_from_title(title)):
        return name
    if name := _body_line_before(lines, title):
        return name
    text = doc.text
    m = _UNIT_NAME.search(text) if any(w in text for w in _UNIT_WORDS) else None  # `in` first: far cheaper
    if m:
        return m["name"]
    if name := _signature(lines):
        return name
    place = place_from_title(title) if title else None
    field_body = fields.get(BODY)
    if _is_body(field_body) and (not place or place in field_body or place[:2] in field_body):
        return field_body
    if place:
        return place
    if _is_body(field_body):
        return field_body
    return fields.get(SOURCE) if _is_body(fields.get(SOURCE)) else None


def _page_value(page: dict, *labels: str) -> str | None:
    for lab in labels:
        v = (page.get(lab) or "").strip()
        if v:
            return v
    return None


def _page_date(page: dict) -> str | None:
    """The portal's own date box (发布日期, 发文日期, 成文日期), when the report text gives none."""
    v = _page_value(page, "发布日期", "发文日期", "成文日期", "公开日期")
    return parse_date(v) if v else None


def _text_states(text: str, iso: str) -> bool:
    """Whether the text writes the date `iso` in words (2019年4月18日), as a signature does."""
    return any(parse_date(m.group(0)) == iso for m in _DATE.finditer(text))


def parse_metadata(doc: Document, blocks: list[Paragraph] | None = None) -> dict:
    """{agency, region, report_year, published_on, published_from, title, lines}: published_from says whether the date is the
    report's own (text: signature, the line under the title) or the page's (page: portal field, <meta>, header)."""
    lines = _lines(text_blocks(doc) if blocks is None else blocks)
    page = getattr(doc, "meta", None) or {}
    fields = page_fields(doc)
    title = title_line(lines)
    if title is None or not (agency_from_title(title) or _TITLE_YEAR.search(_no_space(title))):
        for candidate in (fields.get(TITLE), page.get("title")):
            if candidate and (better := title_line([_LINE_MARKUP.sub("", candidate)])):
                title = better
                break
    pub, pub_from = published_on(lines), "text"
    if pub is None:
        pub = (parse_date(fields[DATE]) if fields.get(DATE) else None) or _page_date(page)
        pub_from = "page" if pub else None
        if pub and _text_states(doc.text, pub):
            pub_from = "text"  # the report's words carry the page's date too (a signature run into one line)
    name = agency(doc, lines, title, fields)
    prose = "\n".join(lines)  # place names are in the prose and the title, not in table cells
    return {
        "agency": name,
        "region": resolve(prose, name),
        "report_year": report_year(doc, lines, title, pub),
        "published_on": pub,
        "published_from": pub_from,
        "title": title,
        "lines": lines,
    }
