"""Crawler text dumps: a whole statistics table on one line, adjacent cells fused ("0 0 0 0 0 00", "规章000").

The template says which row labels come in which order and how many cells each row has. A row's printed digits
split into that many cells where only one split is possible (a cell is "0" or a number without a leading zero;
groups separated by spaces are never joined). A run that splits more than one way is not guessed: its row is
left out and an extraction doubt is recorded (an unmapped figure of kind `doubt`, reported as finding X_DOUBT).
"""

import functools
import re

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

    rows, _ = row_sequence("2021")
    return tuple((r.core, _label_rx(r.core)) for r in rows if r.table == "t3_applications" and len(r.core) >= 4)


@functools.lru_cache(maxsize=512)
def _label_rx(label_core: str) -> re.Pattern:
    """A row label as printed in running text: its words with any punctuation or spaces between the characters,
    an optional bracketed annotation after, then a digit."""
    body = r"\W*".join(re.escape(ch) for ch in label_core) + "[”\"’'」』》]*"  # a closing quote: 危及“三安全一稳定”
    return re.compile(body + r"(?=(?:\s*[（(][^（）()]{0,60}[)）])?\s*\d)")


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


def unfuse(toks: list[Token], rows: list[RowSpec]) -> tuple[list[Token], list[Figure]]:
    """Tokens with every fused table paragraph split into label and cell tokens; and the doubts (rows whose run
    splits more than one way)."""
    if not any(len(t.text) > LABEL_MAX and not t.is_value and _T3_PROBE in t.text for t in toks):
        return toks, []
    out: list[Token] = []
    doubts: list[Figure] = []
    for t in toks:
        if t.row_key is None and not t.is_value and looks_fused(t.text):
            out.extend(_split(t, rows, doubts))
        else:
            out.append(t)
    return out, doubts


def _split(tok: Token, rows: list[RowSpec], doubts: list[Figure]) -> list[Token]:
    text, page, span = tok.text, tok.loc[0], tok.loc[4]
    base = span[0] if span else None
    found: list[tuple[int, int, RowSpec, int, int]] = []  # (label start, label end, row, run start, run end)
    pos, table = 0, None
    for row in rows:
        rx = _label_rx(row.core)
        reach = len(text) if row.table != table else pos + _ROW_REACH
        m = rx.search(text, pos, min(len(text), reach + len(row.core) * 3))
        if m is None:
            continue
        end = m.end()
        a = _ANNOT.match(text, end)
        if a:
            end = a.end()
        r = _RUN.match(text, end)
        if r is None:
            continue
        found.append((m.start(), m.end(), row, r.start(1), r.end(1)))
        pos, table = r.end(1), row.table
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
            out.append(Token(s, Value(None, TEXT, s), (page, None, None, None, _abs(base, lead, lead + len(s))),
                             None, False, False))

    for n, (ls, le, row, rs, re_) in enumerate(found):
        # the next row's enumerator ("2." of 2.其他法律…) fused to this run's last digits is not a cell
        if n + 1 < len(found):
            nxt_start, nxt_row = found[n + 1][0], found[n + 1][2]
            enum = _ENUM.match(nxt_row.label)
            e = enum.group(0) if enum else ""
            if e and text[nxt_start - len(e):nxt_start] == e and re_ > nxt_start - len(e) > rs:
                re_ = nxt_start - len(e)
        text_tok(cursor, ls)
        nrow += 1
        key = (-(10_000 + nrow), 0)
        out.append(Token(text[ls:le], Value(None, TEXT, text[ls:le]), (page, None, None, 0, _abs(base, ls, le)), key,
                         False, False))
        k = len(row.columns)
        run = text[rs:re_]
        ways = splits(run, k)
        if len(ways) == 1:
            for col, (a, b) in enumerate(ways[0], start=1):
                out.append(_cell(run[a:b], page, col, _abs(base, rs + a, rs + b), key))
        else:
            doubts.append(_doubt(row, run, len(ways), page, _abs(base, rs, re_)))
        cursor = re_
    t4 = _T4_HEAD.search(text, cursor)
    if t4 is not None:
        r = _RUN.match(text, t4.end())
        text_tok(cursor, t4.start())
        out.append(Token("行政复议", Value(None, TEXT, "行政复议"), (page, None, None, None,
                                                                  _abs(base, t4.start(), t4.start() + 4)),
                         None, False, False))
        text_tok(t4.start() + 4, t4.end())
        run = text[r.start(1):r.end(1)]
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


def _abs(base: int | None, a: int, b: int) -> tuple[int, int] | None:
    return None if base is None else (base + a, base + b)


def _cell(s: str, page, col: int, span, key) -> Token:
    v = parse_value(s)
    return Token(s, v, (page, None, None, col, span), key, True, False)


def _doubt(row: RowSpec, run: str, n_ways: int, page, span) -> Figure:
    """An extraction doubt: the printed run of a row that does not split into its cells one way only."""
    why = "splits more than one way" if n_ways > 1 else "does not split"
    return Figure("unmapped", f"{row.table}:{row.code}", "fused", None, run.strip(), (page, None, None, None, span),
                  kind=DOUBT, mapped=False,
                  label=f"{row.label}: {len(row.columns)} cells; the printed digits {run.strip()!r} {why}")
