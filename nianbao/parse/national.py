"""The national templates (2019 试行 and the 2021 revision): 表二, 表三 and 表四 from a token stream."""

import functools

from nianbao import codebook
from nianbao.parse.align import Aligner, Alignment, GroupSpec, RowSpec, collect, figure, window
from nianbao.parse.fused import unfuse
from nianbao.parse.labels import LABEL_MAX, core
from nianbao.parse.stream import Token, spaced_cells
from nianbao.report import Figure

T4 = "t4_review_litigation"
_T4_LABELS = {
    "administrative_review": "行政复议",
    "litigation_direct": "未经复议直接起诉",
    "litigation_after_review": "复议后起诉",
}
# 表三 parents printed as merged cells without values of their own
_GROUP_PARENTS = ("denied", "unavailable", "not_processed", "other_handling")


@functools.cache
def row_sequence(template: str) -> tuple[tuple[RowSpec, ...], tuple[GroupSpec, ...]]:
    """表二 then 表三 rows in printed order, each with its columns; and 表三's parent groups."""
    rows: list[RowSpec] = []
    for spec in codebook.tables(template):
        if spec.table == T4:
            continue
        for r in spec.rows:
            rows.append(RowSpec(spec.table, r.code, core(r.label), tuple(c.code for c in spec.columns_for(r)), r.label))
    groups = []
    t3 = codebook.table(template, "t3_applications")
    cols = tuple(c.code for c in t3.columns)
    for parent in _GROUP_PARENTS:
        kids = [r for r in t3.rows if r.parent == parent]
        if kids:
            idx = tuple(
                n for n, r in enumerate(rows) if r.table == "t3_applications" and r.code in {k.code for k in kids}
            )
            alone = _parent_row(parent)  # the parent as a row of its own in another era of the template
            row = RowSpec(t3.table, parent, core(alone.label), cols, alone.label) if alone else None
            groups.append(GroupSpec(core(kids[0].note), idx, row))
    return tuple(rows), tuple(groups)


def _parent_row(code: str) -> codebook.Entry | None:
    """The 表三 row coded `code` in any national era (2019's single （六）其他处理 is a 2021 group)."""
    return next(
        (e for e in codebook.entries() if e.table == "t3_applications" and e.dimension == "row" and e.code == code),
        None,
    )


SUBTOTAL = "x_legal_person_subtotal"


class NationalAligner(Aligner):
    """表二/表三 rows; numbers only in value cells, no unit column; x_ columns are kept as unmapped cells."""

    trailing = True

    def ends_table(self, text: str) -> bool:
        """表四's labels (行政复议, 行政诉讼（…）, 未经复议直接起诉, 复议后起诉) start the next table."""
        return "复议" in text or "诉讼" in text or "起诉" in text

    def assign(self, al: Alignment, j: int, vals: list[Token]) -> None:
        row = self.rows[j]
        table, code, label, figures = row.table, row.code, row.label, al.figures
        for col, tok in zip(row.columns, vals):
            if col.startswith("x_"):
                if not tok.is_blank:
                    f = figure(row, col, tok)
                    f.table, f.row, f.mapped = "unmapped", f"{row.table}:{row.code}", False
                    al.unmapped.append(f)
                continue
            v = tok.value
            figures[(table, code, col)] = Figure(
                table, code, col, v.value, tok.text.strip(), tok.loc, v.approximate, v.unit, v.kind, True, label
            )
        al.seen_rows.add(j)


def with_subtotal_column(rows: tuple[RowSpec, ...]) -> list[RowSpec]:
    """表三 as some publishers print it: a 法人或其他组织小计 column between 其他 and 总计."""
    out = []
    for r in rows:
        if r.table == "t3_applications":
            cols = r.columns[:-1] + (SUBTOTAL,) + r.columns[-1:]
            r = RowSpec(r.table, r.code, r.core, cols, r.label)
        out.append(r)
    return out


def has_subtotal_column(toks: list[Token]) -> bool:
    for t in toks:
        if len(t.text) > LABEL_MAX:
            continue
        c = core(t.text)
        if c.startswith("本年新收政府信息公开申请数量"):
            return False
        if c in ("小计", "法人或其他组织小计"):
            return True
    return False


def _t4_rows(template: str) -> list[RowSpec]:
    spec = codebook.table(template, T4)
    cols = tuple(c.code for c in spec.columns)
    return [RowSpec(T4, r.code, core(_T4_LABELS[r.code]), cols, r.label) for r in spec.rows]


def parse_t4(toks: list[Token], start: int, template: str, al: Alignment) -> None:
    """表四: three labelled rows of five, or (as the template prints it) one row of fifteen after the header."""
    rows = _t4_rows(template)
    begin = next(
        (i for i in range(start, len(toks)) if len(toks[i].text) <= LABEL_MAX and _t4_start(toks[i].text)), None
    )
    if begin is None:
        return
    # labelled rows: 行政复议 | 5 values, 未经复议直接起诉 | 5 values, 复议后起诉 | 5 values
    found = 0
    by_core = {row.core: row for row in rows}  # a printed label names a row when its words are the row's
    for i in range(begin, len(toks)):
        tok = toks[i]
        row = None if tok.is_value or len(tok.text) > LABEL_MAX else _t4_row(tok.text, by_core)
        if row is not None and (row.table, row.code, row.columns[0]) not in al.figures:
            vals, _ = collect(toks, i + 1, 5, tok.row_key, False)
            if not vals:
                vals = _under_column_header(toks, i + 1)
            if len(vals) == 5:
                for col, v in zip(row.columns, vals):
                    al.figures[(T4, row.code, col)] = figure(row, col, v)
                found += 1
        if found == 3:
            return
    if found:
        return
    # one row of fifteen as the template prints it
    run = _t4_value_row(toks, begin)
    if run:
        for n, row in enumerate(rows):
            for col, tok in zip(row.columns, run[n * 5 : (n + 1) * 5]):
                al.figures[(T4, row.code, col)] = figure(row, col, tok)


def _t4_start(text: str) -> bool:
    """The first header cell of 表四 (行政复议), alone or leading a '|' row of header words (行政复议 | 行政诉讼)."""
    return core(text) == "行政复议" or ("|" in text and core(text.strip().strip("|").split("|")[0]) == "行政复议")


_T4_COLUMNS = frozenset(core(c) for c in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"))


def _t4_row(text: str, by_core: dict[str, RowSpec]) -> RowSpec | None:
    """The 表四 row a label names: its words, or the words in its brackets (行政诉讼（未经复议直接起诉）)."""
    c = core(text)
    row = by_core.get(c)
    if row is None and c == "行政诉讼":
        inner = core(text.replace("（", "").replace("）", "").replace("(", "").replace(")", ""))[len(c) :]
        row = by_core.get(inner)
    return row


def _under_column_header(toks: list[Token], i: int) -> list[Token]:
    """A 表四 row label as a heading over its own table (Markdown): one header of the five column names, then
    exactly five values (a longer run is the one-row-of-fifteen layout, not this row's)."""
    n, heads, head_row = len(toks), 0, None
    while i < n and (
        toks[i].is_blank or (not toks[i].is_value and len(toks[i].text) <= 12 and core(toks[i].text) in _T4_COLUMNS)
    ):
        if toks[i].is_blank and heads == 5 and head_row is not None and toks[i].row_key != head_row:
            break  # the value row starts with a blank cell
        heads += not toks[i].is_blank
        head_row = toks[i].row_key if not toks[i].is_blank else head_row
        i += 1
    if heads != 5 or i >= n or not toks[i].is_value:
        return []
    vals, _ = collect(toks, i, None, toks[i].row_key, False)
    if len(vals) == 5 and toks[i].row_key is not None:
        return vals  # a table row of five cells: its blank last cells are cells too
    while vals and vals[-1].is_blank:
        vals.pop()
    return vals if len(vals) == 5 else []


def _t4_value_row(toks: list[Token], begin: int) -> list[Token] | None:
    """The fifteen cells: a table row of ≥15 values (best-filled window), else the first run of ≥15 values
    on plain lines, with trailing then leading blank lines trimmed."""
    i = begin
    while i < len(toks):
        t = toks[i]
        if t.row_key is not None:
            end = i + 1
            while end < len(toks) and toks[end].row_key == t.row_key:  # a table row's cells are consecutive
                end += 1
            row = toks[i:end]
            if len(row) >= 15 and all(x.is_value for x in row):
                s = window(row, 15, right=True)
                return row[s : s + 15]
            i = end
            continue
        if t.row_key is None and len(cells := spaced_cells(t)) == 15:
            return cells  # the fifteen on one line, separated by spaces
        run, nxt = [], i
        while nxt < len(toks) and toks[nxt].row_key is None and toks[nxt].is_value:
            run.append(toks[nxt])
            nxt += 1
        if len(run) >= 15:
            while len(run) > 15 and run[-1].is_blank:
                run.pop()
            while len(run) > 15 and run[0].is_blank:
                run.pop(0)
            return run[:15]
        i = max(nxt, i + 1)
    return None


LEGAL_PERSON = ("commercial_enterprise", "research_institution", "social_welfare_org", "legal_service_org", "other_org")
_LEGAL_NAMES = (
    ("商业企业", "commercial_enterprise"),
    ("科研机构", "research_institution"),
    ("社会公益", "social_welfare_org"),
    ("法律服务", "legal_service_org"),
    ("其他", "other_org"),
)


def legal_person_order(toks: list[Token]) -> tuple[str, ...] | None:
    """The 法人或其他组织 columns of 表三 in the order its header prints them, when each is printed once before
    the first row (a header fused onto one line counts too); None when the header does not say."""
    hits: list[tuple[int, int, str]] = []
    started = False
    for n, t in enumerate(toks):
        if t.is_value or len(t.text) > LABEL_MAX * 2:
            continue
        c = core(t.text)
        if c.startswith("本年新收政府信息公开申请数量"):
            break
        started = started or "自然人" in c
        if not started:
            continue
        c = c.replace("法人或其他组织", "＃" * 7)  # its 其他 is not the column 其他
        for name, code in _LEGAL_NAMES:
            at = c.find(name)
            while at >= 0:
                hits.append((n, at, code))
                at = c.find(name, at + 1)
    codes = [code for _, _, code in sorted(hits)]
    if sorted(codes) != sorted(LEGAL_PERSON):
        return None
    return tuple(codes)


def with_t3_columns(rows: list[RowSpec], groups: list[GroupSpec], order: tuple[str, ...]):
    """表三 rows (and parents printed alone) with the 法人或其他组织 columns in the printed order."""

    def reorder(r: RowSpec) -> RowSpec:
        if r.table != "t3_applications":
            return r
        legal = iter(order)
        cols = tuple(next(legal) if c in LEGAL_PERSON else c for c in r.columns)
        return RowSpec(r.table, r.code, r.core, cols, r.label)

    return (
        [reorder(r) for r in rows],
        [GroupSpec(g.core, g.children, reorder(g.row) if g.row else None) for g in groups],
    )


def parse_national(toks: list[Token], template: str) -> Alignment:
    """All figures of 表二, 表三 and 表四 that the document prints."""
    rows, groups = row_sequence(template)
    toks, doubts = unfuse(
        toks, list(rows), [g.row for g in groups if g.row is not None]
    )  # a crawler dump's table on one line, cells fused
    rows = with_subtotal_column(rows) if has_subtotal_column(toks) else list(rows)
    groups = list(groups)
    order = legal_person_order(toks)
    if order is not None and order != LEGAL_PERSON:
        rows, groups = with_t3_columns(rows, groups, order)
    al = NationalAligner(rows, groups).run(toks)
    al.unmapped.extend(doubts)
    t3_last = max((n for n in al.seen_rows if rows[n].table == "t3_applications"), default=None)
    start = al.last_token if t3_last is not None else 0
    parse_t4(toks, max(start, 0), template, al)
    return al
