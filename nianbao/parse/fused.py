"""Crawler text dumps: a whole statistics table on one line, adjacent cells fused ("0 0 0 0 0 00", "规章000").

The template says which row labels come in which order and how many cells each row has. A row's printed digits
split into that many cells where only one split is possible (a cell is "0" or a number without a leading zero;
groups separated by spaces are never joined). A run that splits more than one way is not guessed: its row is
left out and an extraction doubt is recorded (an unmapped figure of kind `doubt`, reported as finding X_DOUBT).
"""

import functools
import re

from nianbao import eras
from nianbao.parse.align import RowSpec
from nianbao.parse.labels import LABEL_MAX
from nianbao.parse.stream import Token
from nianbao.report import Figure
from nianbao.values import TEXT, Value, parse_value

DOUBT = "doubt"
_MIN_ROWS = 5  # labels directly followed by digits that make a paragraph a flattened table, not prose
_ROW_REACH = 400  # how far after the previous row the next row of the same table may start
_RUN = re.compile(r"\s*(\d+(?:\.\d+)?(?:\s+\d+(?:\.\d+)?)*)")
_ANNOT = re.compile(r"\s*[（(][^（）()]{0,60}[)）]")
_ENUM = re.compile(r"\d{1,2}[.．、]|[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}、")
_T3_PROBE = "政府信息公开申请数量"
_T4_HEAD = re.compile(r"行政复议\W*行政诉讼.{0,200}?总\s*计(?=\s*\d)")
_T4_CELLS = 15


def looks_fused(text: str) -> bool:
    """A long paragraph holding a national 表三 flattened onto it (cheap probe first)."""
    return len(text) > LABEL_MAX and _T3_PROBE in text and len(_label_hits(text)) >= _MIN_ROWS


def _label_hits(text: str) -> list[str]:
    return [c for c, rx in _probe_patterns() if rx.search(text)]


@functools.cache
def _probe_patterns() -> tuple[tuple[str, re.Pattern], ...]:
    from nianbao.parse.national import row_sequence

    rows, _ = row_sequence(eras.of_family(eras.NATIONAL)[-1])  # the latest national format's 表三 labels
    return tuple((r.core, _label_rx(r.core)) for r in rows if r.table == "t3_applications" and len(r.core) >= 4)


@functools.lru_cache(maxsize=512)
def _label_rx(label_core: str, units: bool = False) -> re.Pattern:
    """A row label as printed in running text: its words with any punctuation or spaces between the characters,
    an optional bracketed annotation after, (with `units`: an optional 单位 word, as in the 统计表), then a digit."""
    body = r"\W*".join(re.escape(ch) for ch in label_core) + "[”\"’'」』》]*"  # a closing quote: 危及“三安全一稳定”
    annot = r"(?:\s*[（(][^（）()]{0,60}[)）])?"
    if units:  # the 单位 word is printed even where the value cell is blank
        return re.compile(body + "(?=" + annot + r"(?:" + _UNIT_WORD + r"(?![\u4e00-\u9fff])|\s*\d))")
    return re.compile(body + "(?=" + annot + r"\s*\d)")


@functools.lru_cache(maxsize=512)
def _misprint_rx(label_core: str, units: bool = False) -> re.Pattern:
    """A row label with one character misprinted (投拆 for 投诉, 事物 for 事务), as printed in running text."""
    exact = _label_rx(label_core, units).pattern
    body_len = len(r"\W*".join(re.escape(ch) for ch in label_core))
    tail = exact[body_len:]
    alts = []
    for i in range(len(label_core)):
        chars = [re.escape(ch) for ch in label_core]
        chars[i] = r"[^\W\d]"
        alts.append(r"\W*".join(chars))
    return re.compile("(?:" + "|".join(alts) + ")" + tail)


# the 单位 cell of the 统计表 between a row's label and its value
_UNIT_WORD = r"\s*(?:万元|人次|条|件|次|篇|个|人|元)"
_UNIT = re.compile(f"(?:{_UNIT_WORD})?")
_WORD_CELL = re.compile(
    r"\s*(无|[—\-/－]|[零〇一二两三四五六七八九十百千]{1,6})(?=\s|$)"
)  # a 统计表 cell in words, a dash
_NEXT_ENUM = re.compile(r"[.．、](?=[^\d\s])")  # "3." of the next row's label (3.网络申请数), not a cell
_LEGACY_PROBES = ("收到申请数", "申请答复数")
_LEGACY_MIN_ROWS = 8


def looks_fused_legacy(text: str) -> bool:
    """A long paragraph holding the pre-2019 统计表 flattened onto it (label, 单位, value, label, …)."""
    if len(text) <= LABEL_MAX or not all(p in text for p in _LEGACY_PROBES):
        return False
    return sum(1 for r in _legacy_rows() if _label_rx(r.core, True).search(text)) >= _LEGACY_MIN_ROWS


@functools.cache
def _legacy_rows() -> tuple[RowSpec, ...]:
    from nianbao.parse.legacy import row_sequence

    return row_sequence()


def unfuse_legacy(toks: list[Token]) -> list[Token]:
    """Tokens with every paragraph holding a flattened 统计表 split into label and value tokens (one value per
    row: nothing is fused, the 单位 word is dropped)."""
    if not any(len(t.text) > LABEL_MAX and not t.is_value and _LEGACY_PROBES[0] in t.text for t in toks):
        return toks
    out: list[Token] = []
    for t in toks:
        if t.row_key is None and not t.is_value and looks_fused_legacy(t.text):
            out.extend(_split(t, list(_legacy_rows()), [], units=True))
        else:
            out.append(t)
    return out


def splits(run: str, k: int) -> list[list[tuple[int, int]]]:
    """The ways (at most two) to read a run of digit groups as k cells: [(start, end) offsets into run]."""
    groups = [(m.start(), m.end()) for m in re.finditer(r"\S+", run)]
    if not groups or k < len(groups):
        return []

    @functools.cache
    def ways(g: int, left: int) -> tuple:
        if g == len(groups):
            return ((),) if left == 0 else ()
        start, end = groups[g]
        out = []
        for cells in _group_splits(run[start:end], left - (len(groups) - g - 1)):
            for rest in ways(g + 1, left - len(cells)):
                out.append(tuple((start + a, start + b) for a, b in cells) + rest)
                if len(out) >= 2:
                    return tuple(out)
        return tuple(out)

    return [list(w) for w in ways(0, k)]


def _group_splits(s: str, most: int) -> list[tuple[tuple[int, int], ...]]:
    """Splits of one printed group into at most `most` numbers, none with a leading zero (a decimal stays whole)."""
    if most < 1:
        return []
    if "." in s or len(s) == 1:
        return [((0, len(s)),)]
    out: list[tuple[tuple[int, int], ...]] = []

    def rec(pos: int, acc: tuple) -> None:
        if len(out) > 64:
            return
        if pos == len(s):
            out.append(acc)
            return
        if len(acc) == most:
            return
        if s[pos] == "0":
            rec(pos + 1, acc + ((pos, pos + 1),))
            return
        for end in range(pos + 1, len(s) + 1):
            rec(end, acc + ((pos, end),))

    rec(0, ())
    return out


def unfuse(toks: list[Token], rows: list[RowSpec], alone: list[RowSpec] = ()) -> tuple[list[Token], list[Figure]]:
    """Tokens with every fused table paragraph split into label and cell tokens; and the doubts (rows whose run
    splits more than one way). `alone`: parent rows that may be printed alone in place of their children (2019's
    （六）其他处理 in a 2021 table), looked for where no row of the template is."""
    if not any(len(t.text) > LABEL_MAX and not t.is_value and _T3_PROBE in t.text for t in toks):
        return toks, []
    out: list[Token] = []
    doubts: list[Figure] = []
    for t in toks:
        if t.row_key is None and not t.is_value and looks_fused(t.text):
            out.extend(_split(t, rows, doubts, alone=alone))
        else:
            out.append(t)
    return out, doubts


def _split(
    tok: Token, rows: list[RowSpec], doubts: list[Figure], units: bool = False, alone: list[RowSpec] = ()
) -> list[Token]:
    text, page, span = tok.text, tok.loc[0], tok.loc[4]
    base = span[0] if span else None
    found: list[tuple[int, int, RowSpec, int, int]] = []  # (label start, label end, row, run start, run end)
    pos, table = 0, None
    for row in rows:
        rx = _label_rx(row.core, units)
        reach = len(text) if row.table != table else pos + _ROW_REACH
        m = rx.search(text, pos, min(len(text), reach + len(row.core) * 3))
        entry = _entry(text, m, row, units) if m is not None else None
        if entry is None:
            continue
        found.append(entry)
        pos, table = max(entry[4], m.end()), row.table
    found = _out_of_order(text, [*rows, *alone], found, units)
    out: list[Token] = []
    cursor, nrow = 0, 0

    def text_tok(a: int, b: int) -> None:
        stop = text.rfind("。", a, b)
        if stop >= 0 and stop + 1 < b:  # prose, then a table's header words: two tokens
            text_tok(a, stop + 1)
            a = stop + 1
        s = text[a:b].strip()
        if s:
            lead = a + len(text[a:b]) - len(text[a:b].lstrip())
            out.append(
                Token(
                    s,
                    Value(None, TEXT, s),
                    (page, None, None, None, _abs(base, lead, lead + len(s))),
                    None,
                    False,
                    False,
                )
            )

    for n, (ls, le, row, rs, re_) in enumerate(found):
        # the next row's enumerator ("2." of 2.其他法律…) fused to this run's last digits is not a cell
        if n + 1 < len(found):
            re_ = _before_enumerator(text, rs, re_, found[n + 1][0], found[n + 1][2], len(row.columns))
        text_tok(cursor, ls)
        nrow += 1
        key = (-(10_000 + nrow), 0)
        out.append(
            Token(
                text[ls:le],
                Value(None, TEXT, text[ls:le]),
                (page, None, None, 0, _abs(base, ls, le)),
                key,
                False,
                False,
            )
        )
        k = len(row.columns)
        run = text[rs:re_]
        if units and not run.strip():
            cursor = max(re_, le)
            continue  # a blank cell of the 统计表
        ways = splits(run, k)
        if len(ways) == 1:
            for col, (a, b) in enumerate(ways[0], start=1):
                out.append(_cell(run[a:b], page, col, _abs(base, rs + a, rs + b), key))
        else:
            doubts.append(_doubt(row, run, len(ways), page, _abs(base, rs, re_)))
        cursor = re_
    t4 = None if units else _T4_HEAD.search(text, cursor)
    if t4 is not None:
        r = _RUN.match(text, t4.end())
        text_tok(cursor, t4.start())
        out.append(
            Token(
                "行政复议",
                Value(None, TEXT, "行政复议"),
                (page, None, None, None, _abs(base, t4.start(), t4.start() + 4)),
                None,
                False,
                False,
            )
        )
        text_tok(t4.start() + 4, t4.end())
        run = text[r.start(1) : r.end(1)]
        ways = splits(run, _T4_CELLS)
        if len(ways) == 1:
            key = (-(10_000 + nrow + 1), 0)
            for col, (a, b) in enumerate(ways[0]):
                out.append(_cell(run[a:b], page, col, _abs(base, r.start(1) + a, r.start(1) + b), key))
        else:
            t4row = RowSpec("t4_review_litigation", "all_rows", "", ("",) * _T4_CELLS, "表四")
            doubts.append(_doubt(t4row, run, len(ways), page, _abs(base, r.start(1), r.end(1))))
        cursor = r.end(1)
    text_tok(cursor, len(text))
    return out


def _entry(text: str, m: re.Match, row: RowSpec, units: bool) -> tuple[int, int, RowSpec, int, int] | None:
    """A row label matched in the text and the run of cells after it: (label start, label end, row, run start,
    run end); in the 统计表 (`units`) the run may be empty (a blank cell) or a value word (无, —)."""
    end = m.end()
    a = _ANNOT.match(text, end)
    if a:
        end = a.end()
    if units:
        end = _UNIT.match(text, end).end()
    r = _RUN.match(text, end)
    if r is None and units:
        r = _WORD_CELL.match(text, end)
    rs, re_ = (r.start(1), r.end(1)) if r else (end, end)
    if units and r is not None and _NEXT_ENUM.match(text, re_):
        # the run's last group is the next label's enumerator ("件  3.网络申请数": a blank cell)
        last = text.rfind(" ", rs, re_)
        re_ = rs if last < 0 else len(text[:last].rstrip())
    if r is None and not units:
        return None
    return m.start(), m.end(), row, rs, re_


def _out_of_order(text: str, rows: list[RowSpec], found: list, units: bool) -> list:
    """Rows printed out of template order (renumbered, moved): a row not found in order whose label occurs inside
    its table's printed stretch, where no found row is; all rows sorted by where they are printed."""
    if not found:
        return found
    seen = {id(f[2]) for f in found}
    stretch: dict[str, tuple[int, int]] = {}
    for ls, _, row, _, re_ in found:
        a, b = stretch.get(row.table, (ls, re_))
        stretch[row.table] = (min(a, ls), max(b, re_))
    taken = [(f[0], max(f[1], f[4])) for f in found]
    extra = []
    for row in rows:
        if id(row) in seen or row.table not in stretch or len(row.core) < 4:
            continue
        a, b = stretch[row.table]
        rxs = (_label_rx(row.core, units),) + ((_misprint_rx(row.core, units),) if len(row.core) >= 6 else ())
        for rx in rxs:
            entry = None
            for m in rx.finditer(text, a, min(len(text), b + _ROW_REACH)):
                if any(x <= m.start() < y or m.start() <= x < m.end() for x, y in taken):
                    continue
                entry = _entry(text, m, row, units)
                if (
                    entry is not None
                    and not units
                    and _NEXT_ENUM.match(text, entry[4])
                    and " " not in text[entry[3] : entry[4]]
                ):
                    entry = None  # its "digits" are the enumerator of the label after it (其他处理1.申请人…)
                break
            if entry is not None:
                extra.append(entry)
                taken.append((entry[0], max(entry[1], entry[4])))
                break
    return sorted(found + extra, key=lambda f: f[0]) if extra else found


_PRINTED_ENUM = re.compile(r"[1-9]\d?[.．、]$")


def _before_enumerator(text: str, rs: int, re_: int, nxt_start: int, nxt_row: RowSpec, k: int) -> int:
    """Where a row's run ends when the next label's enumerator is fused to its last digits ("0 02.其他法律…"):
    the template's enumerator of that label when printed, else the printed one (rows renumbered) of one or two
    digits that leaves a run splitting into the row's k cells one way only."""
    enum = _ENUM.match(nxt_row.label)
    e = enum.group(0) if enum else ""
    if e and text[nxt_start - len(e) : nxt_start] == e and re_ > nxt_start - len(e) > rs:
        return nxt_start - len(e)
    if re_ != nxt_start - 1 or text[re_] not in ".．、":
        return re_
    for width in (2, 3):  # "2." or "12."
        m = _PRINTED_ENUM.search(text, max(rs, nxt_start - width), nxt_start)
        if (
            m is not None
            and m.start() == nxt_start - width
            and m.start() > rs
            and len(splits(text[rs : m.start()], k)) == 1
        ):
            return m.start()
    return re_


def _abs(base: int | None, a: int, b: int) -> tuple[int, int] | None:
    return None if base is None else (base + a, base + b)


def _cell(s: str, page, col: int, span, key) -> Token:
    v = parse_value(s)
    return Token(s, v, (page, None, None, col, span), key, True, False)


def _doubt(row: RowSpec, run: str, n_ways: int, page, span) -> Figure:
    """An extraction doubt: the printed run of a row that does not split into its cells one way only."""
    why = "splits more than one way" if n_ways > 1 else "does not split"
    return Figure(
        "unmapped",
        f"{row.table}:{row.code}",
        "fused",
        None,
        run.strip(),
        (page, None, None, None, span),
        kind=DOUBT,
        mapped=False,
        label=f"{row.label}: {len(row.columns)} cells; the printed digits {run.strip()!r} {why}",
    )
