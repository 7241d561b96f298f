"""Align a token stream with a template's rows: each printed row label, in template order, takes the values after it.

The engine is layout-blind: a label followed by K value tokens is a row of K cells, whether the layout put them
on one line with '|' or TAB, one per line, or in a real table row. Rows are searched from a cursor onwards, so
repeated labels (（一）维持… under 复议, 诉讼 and 投诉) resolve by order. A parent label followed by a run of
n_children × K values (the （三）不予公开 block flattened without its sub-row labels) fills its children in order.
"""

import functools
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from nianbao.parse.labels import LABEL_MAX, core, matches
from nianbao.parse.stream import Token
from nianbao.report import Figure
from nianbao.values import is_unit_word

# tables whose last column is 总计: a row's cells are flush right in the printed grid
RIGHT_ALIGNED = frozenset({"t3_applications", "t4_review_litigation"})


@dataclass(frozen=True, slots=True)
class RowSpec:
    """One template row: its table, code, label words, and the column codes its cells have, in printed order."""

    table: str
    code: str
    core: str
    columns: tuple[str, ...]
    label: str = ""


@dataclass(frozen=True, slots=True)
class GroupSpec:
    """A parent label printed without values of its own (（三）不予公开) and the rows it spans."""

    core: str
    children: tuple[int, ...]  # indexes into the row sequence
    row: "RowSpec | None" = None  # the row the parent is when printed alone with values (2019's （六）其他处理)


@dataclass
class Alignment:
    """What the aligner found: figures by cell, unmapped printed numbers, and which rows it saw."""

    figures: dict[tuple[str, str, str], Figure] = field(default_factory=dict)
    unmapped: list[Figure] = field(default_factory=list)
    header_values: list[Figure] = field(default_factory=list)
    seen_rows: set[int] = field(default_factory=set)
    last_token: int = -1
    first_token: int | None = None


def figure(row: RowSpec, column: str, tok: Token) -> Figure:
    v = tok.value
    return Figure(
        row.table, row.code, column, v.value, tok.text.strip(), tok.loc, v.approximate, v.unit, v.kind, True, row.label
    )


def collect(toks: list[Token], i: int, limit: int | None, row_key, skip_units: bool) -> tuple[list[Token], int]:
    """Value tokens from i on: same table row as the label (when it has one), until text or `limit`."""
    vals: list[Token] = []
    n = len(toks)
    left = n if limit is None else limit
    while i < n and left > 0:
        t = toks[i]
        if t.row_key != row_key:  # another table row; or, after a plain line, a table cell
            break
        if skip_units and is_unit_word(t.text):
            i += 1
            continue
        if not t.is_value:
            break
        vals.append(t)
        left -= 1
        i += 1
    return vals, i


def window(vals: list[Token], k: int, right: bool = False) -> int:
    """Where a row's K cells start among its value cells: covered cells of a merged label print as blanks
    before them, padding as blanks after. The best-filled window wins; a tie goes to the rightmost window
    for right-aligned tables (表三 and 表四 end in 总计) and to the leftmost otherwise."""
    if len(vals) <= k:
        return 0
    filled = [0 if v.is_blank else 1 for v in vals]
    best, best_n = 0, -1
    for s in range(len(vals) - k + 1):
        n = sum(filled[s : s + k])
        if n > best_n or (right and n == best_n):
            best, best_n = s, n
    return best


def value_run(toks: list[Token], i: int) -> tuple[list[Token], int]:
    """A run of consecutive value tokens from i, across rows (used for flattened blocks)."""
    vals: list[Token] = []
    while i < len(toks) and toks[i].is_value:
        vals.append(toks[i])
        i += 1
    return vals, i


# a short row label (其他, 规章) that a longer printed label merely starts with names that row only near the cursor
WEAK_CORE = 3
WEAK_REACH = 2
# a misprinted label (其他法律行政止公开) names the expected row when its words are this close to the row's
FUZZY_RATIO = 0.8
FUZZY_REACH = 3


def _matching_rows(row_cores: tuple[str, ...], text: str) -> tuple[tuple[int, bool], ...]:
    """(index, weak) of the template rows a printed label can name; weak when only a short row label prefixes it."""
    c = core(text)
    if len(c) > max((len(r) for r in row_cores), default=0) + 40:
        return ()
    return tuple((j, c != rc and len(rc) <= WEAK_CORE) for j, rc in enumerate(row_cores) if matches(text, rc))


@functools.lru_cache(maxsize=20_000)
def _ratio(a: str, b: str) -> float:
    """How alike two label keys are (difflib's ratio), memoised: labels repeat across documents."""
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def fuzzy_row(text: str, rows: list[RowSpec], cursor: int, seen: set[int]) -> int | None:
    """The row near the cursor whose label a misprinted label is closest to (ratio ≥ FUZZY_RATIO), if one is."""
    c = core(text)
    if len(c) < 4 or len(c) > 60:
        return None
    best, best_r = None, FUZZY_RATIO
    for j in range(cursor, min(len(rows), cursor + FUZZY_REACH)):
        rc = rows[j].core
        if j in seen or len(rc) < 4 or abs(len(rc) - len(c)) > max(len(rc), len(c)) // 3:
            continue
        r = _ratio(c, rc)
        if r >= best_r + (1e-9 if best is not None else 0):
            best, best_r = j, r
    return best


def fuzzy_back(
    text: str, rows: list[RowSpec], cursor: int, seen: set[int], rows_key: tuple[str, ...] = ()
) -> int | None:
    """A misprinted label of a row printed out of order: the one row of the current table, not yet seen, whose
    label it is closest to (ratio ≥ FUZZY_RATIO, and clearly closer than to any other row of the template).
    `rows_key`: the rows' label keys, when given the answer is memoised (labels repeat across documents)."""
    c = core(text)
    if len(c) < 6 or len(c) > 60 or cursor == 0:
        return None
    table = rows[cursor - 1].table
    key = (c, table, rows_key)
    j = _FUZZY_MEMO.get(key, -1) if rows_key else -1
    if j == -1:
        j = _closest_row(c, rows, table)
        if rows_key:
            if len(_FUZZY_MEMO) > _MEMO_MAX:
                _FUZZY_MEMO.clear()
            _FUZZY_MEMO[key] = j
    return None if j is None or j in seen else j


_FUZZY_MEMO: dict[tuple, int | None] = {}


def _closest_row(c: str, rows: list[RowSpec], table: str) -> int | None:
    """The row of `table` whose label key is clearly the closest to c (ratio ≥ FUZZY_RATIO), if one is."""
    scored = sorted(
        (
            (_ratio(c, r.core), j)
            for j, r in enumerate(rows)
            if r.table == table and len(r.core) >= 4 and abs(len(r.core) - len(c)) <= max(len(r.core), len(c)) // 3
        ),
        reverse=True,
    )
    if not scored or scored[0][0] < FUZZY_RATIO or (len(scored) > 1 and scored[1][0] >= scored[0][0] - 0.1):
        return None
    return scored[0][1]


# label text → matching row indexes, one memo per row sequence: labels repeat across documents
_MATCH_MEMO: dict[tuple[str, ...], dict[str, tuple[int, ...]]] = {}
_MEMO_MAX = 50_000


def _match_memo(row_cores: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    memo = _MATCH_MEMO.get(row_cores)
    if memo is None or len(memo) > _MEMO_MAX:
        memo = _MATCH_MEMO[row_cores] = {}
    return memo


class Aligner:
    """Walks tokens once, matching labels to rows from a cursor; subclasses add layout-specific rules."""

    skip_units = False
    window: int | None = None  # how far ahead of the cursor a label may match (None: to the end)

    def __init__(self, rows: list[RowSpec], groups: list[GroupSpec] = (), headers: list[str] = ()):
        self.rows = rows
        self.groups = list(groups)
        self.groups_by_core: dict[str, list[GroupSpec]] = {}
        for g in self.groups:
            self.groups_by_core.setdefault(g.core, []).append(g)
        self.header_cores = {core(h) for h in headers}
        self.max_core = max((len(r.core) for r in rows), default=0) + 40
        self.rows_key = tuple(r.core for r in rows)
        self.memo = _match_memo(self.rows_key)
        self.longest_label = 3 * self.max_core

    def match_row(self, tok: Token, cursor: int) -> int | None:
        text = tok.text
        if len(text) > self.longest_label:
            return None  # a prose paragraph, not a label
        found = self.memo.get(text)
        if found is None:
            found = self.memo[text] = _matching_rows(self.rows_key, text)
        if not found:
            return None
        end = len(self.rows) if self.window is None else min(len(self.rows), cursor + self.window)
        for j, weak in found:
            if cursor <= j < end and (not weak or j - cursor <= WEAK_REACH):
                return j
        return None

    def match_back(self, tok: Token, cursor: int, seen: set[int]) -> int | None:
        """A row printed out of template order: an exact label of a row behind the cursor not yet seen, when that
        label names one row only (repeated labels such as （一）维持 resolve by order, never backwards)."""
        found = self.memo.get(tok.text)
        if not found or len(found) != 1:
            return None
        j, weak = found[0]
        if j >= cursor or j in seen or weak or core(tok.text) != self.rows[j].core:
            return None
        if self.rows_key.count(self.rows[j].core) != 1:
            return None
        return j

    def match_group(self, tok: Token, cursor: int) -> GroupSpec | None:
        if len(tok.text) > LABEL_MAX:
            return None
        for g in self.groups_by_core.get(core(tok.text), ()):
            if g.children[-1] >= cursor:
                return g
        return None

    def accept(self, toks: list[Token], i: int, vals: list[Token], k: int, nxt: int, cursor: int) -> bool:
        tok = toks[i]
        if not vals:
            return False
        if tok.row_key is not None:
            # a real table row has all its cells; a header word (其他, 总计) with a stray blank does not
            return len(vals) >= k or (len(vals) >= 2 and any(not v.is_blank for v in vals))
        if len(vals) < k:
            return False
        if any(not v.is_blank for v in vals):
            return True
        # all blank, from plain lines: accept only when the next label is a later row of the template
        return nxt < len(toks) and self.match_row(toks[nxt], cursor) is not None

    def assign(self, al: Alignment, j: int, vals: list[Token]) -> None:
        row = self.rows[j]
        table, code, label, figures = row.table, row.code, row.label, al.figures
        for col, tok in zip(row.columns, vals):
            v = tok.value
            figures[(table, code, col)] = Figure(
                table, code, col, v.value, tok.text.strip(), tok.loc, v.approximate, v.unit, v.kind, True, label
            )
        al.seen_rows.add(j)

    def extra_values(self, al: Alignment, row: RowSpec, vals: list[Token]) -> None:
        """Values beyond a row's columns: kept as unmapped figures of that row."""
        for n, tok in enumerate(vals, start=len(row.columns)):
            if not tok.is_blank:
                f = figure(RowSpec("unmapped", f"{row.table}:{row.code}", row.core, (), row.label), f"col{n}", tok)
                f.mapped = False
                al.unmapped.append(f)

    def take(self, al: Alignment, toks: list[Token], i: int, j: int) -> int | None:
        """Row j printed at token i: assign its cells and return the token after them, or None if they are not there."""
        rows, tok = self.rows, toks[i]
        k = len(rows[j].columns)
        # a table row's cells are its own; on plain lines the row's cells are the next K
        vals, nxt = collect(toks, i + 1, None if tok.row_key is not None else k, tok.row_key, self.skip_units)
        s = window(vals, k, rows[j].table in RIGHT_ALIGNED) if tok.row_key is not None else 0
        cells = vals[s : s + k] if len(vals) > k else vals
        if not self.accept(toks, i, cells, k, nxt, j + 1):
            return None
        self.assign(al, j, cells)
        if len(vals) > k:
            extra = [v for v in vals[:s] + vals[s + k :] if not v.is_blank]
            if extra:
                self.extra_values(al, rows[j], extra)
        if al.first_token is None:
            al.first_token = i
        return nxt

    def run(self, toks: list[Token], start: int = 0, stop: int | None = None) -> Alignment:
        al = Alignment()
        cursor, i = 0, start
        stop = len(toks) if stop is None else stop
        n_rows, match_row = len(self.rows), self.match_row
        while i < stop and cursor < n_rows:
            tok = toks[i]
            if tok.is_value:
                i += 1
                continue
            # a parent label (（三）不予公开, （六）其他处理) is its group's before it is a row its words merely start with
            g = self.match_group(tok, cursor) if self.groups else None
            if g is not None:
                nxt = self.take_group(al, toks, i, g)
                if nxt is not None:
                    cursor = g.children[-1] + 1
                    i = al.last_token = nxt
                    continue
            j = match_row(tok, cursor)
            if j is not None:
                nxt = self.take(al, toks, i, j)
                if nxt is not None:
                    cursor, i, al.last_token = j + 1, nxt, nxt
                    cursor, i = self.flattened_rows(al, toks, i, cursor)
                    continue
            if al.first_token is not None and i + 1 < stop and toks[i + 1].is_value:
                # inside the table: a row printed out of order, or a misprinted label of a row near the cursor
                j = self.match_back(tok, cursor, al.seen_rows)
                if j is not None:
                    nxt = self.take(al, toks, i, j)
                    if nxt is not None:
                        i = al.last_token = max(al.last_token, nxt)
                        continue
                j = fuzzy_row(tok.text, self.rows, cursor, al.seen_rows) if len(tok.text) <= LABEL_MAX else None
                if j is not None:
                    nxt = self.take(al, toks, i, j)
                    if nxt is not None:
                        cursor, i, al.last_token = j + 1, nxt, nxt
                        continue
                j = (
                    fuzzy_back(tok.text, self.rows, cursor, al.seen_rows, self.rows_key)
                    if len(tok.text) <= LABEL_MAX
                    else None
                )
                if j is not None:
                    nxt = self.take(al, toks, i, j)
                    if nxt is not None:
                        i = al.last_token = max(al.last_token, nxt)
                        continue
            if al.first_token is not None or (len(tok.text) <= LABEL_MAX and core(tok.text) in self.header_cores):
                self.unmatched_label(al, toks, i)
            i += 1
        if self.trailing and cursor >= n_rows and al.first_token is not None:
            self.trailing_rows(al, toks, i, stop)
        return al

    trailing = False  # whether rows printed after the template's last row are looked for (national tables)

    def ends_table(self, text: str) -> bool:
        """A label that starts the next table (a subclass knows which)."""
        return False

    def trailing_rows(self, al: Alignment, toks: list[Token], i: int, stop: int) -> None:
        """Rows printed after the template's last row (五、办理中的申请 below 四、结转下年度继续办理): each label directly
        followed by its values is kept unmapped, until a text that no value follows (the next section)."""
        while i < stop:
            tok = toks[i]
            if not tok.is_value:
                if i + 1 >= stop or not toks[i + 1].is_value or len(tok.text) > LABEL_MAX or self.ends_table(tok.text):
                    return
                self.unmatched_label(al, toks, i)
            i += 1

    def take_group(self, al: Alignment, toks: list[Token], i: int, g: GroupSpec) -> int | None:
        """A parent label with values: n_children × K of them fill its children (sub-row labels lost); exactly K in
        its own row are the parent printed as one row (2019's （六）其他处理 in a 2021 table), kept as that row."""
        k = len(self.rows[g.children[0]].columns)
        tok = toks[i]
        if tok.row_key is not None and g.row is not None and i + 1 < len(toks) and toks[i + 1].row_key is tok.row_key:
            vals, nxt = collect(toks, i + 1, None, tok.row_key, self.skip_units)
            if k <= len(vals) < 2 * k and any(not v.is_blank for v in vals):
                s = window(vals, k, g.row.table in RIGHT_ALIGNED)
                self.assign_row(al, g.row, vals[s : s + k])
                return nxt
        run, nxt = value_run(toks, i + 1)
        need = len(g.children) * k
        if len(run) >= need and any(not t.is_blank for t in run[:need]):
            for n, j in enumerate(g.children):
                self.assign(al, j, run[n * k : (n + 1) * k])
            return i + 1 + need
        if g.row is not None and tok.row_key is None and len(run) == k and any(not t.is_blank for t in run):
            self.assign_row(al, g.row, run)
            return nxt
        return None

    def assign_row(self, al: Alignment, row: RowSpec, vals: list[Token]) -> None:
        """Cells of a row outside the row sequence (a parent printed alone)."""
        for col, tok in zip(row.columns, vals):
            al.figures[(row.table, row.code, col)] = figure(row, col, tok)

    def flattened_rows(self, al: Alignment, toks: list[Token], i: int, cursor: int) -> tuple[int, int]:
        """After a row, a bare run of m × K more values fills the next m rows whose labels were lost."""
        if cursor >= len(self.rows) or i >= len(toks) or not toks[i].is_value:
            return cursor, i
        k = len(self.rows[cursor].columns)
        run, _ = value_run(toks, i)
        m = 0
        while (
            len(run) >= (m + 1) * k
            and cursor + m < len(self.rows)
            and len(self.rows[cursor + m].columns) == k
            and self.rows[cursor + m].table == self.rows[cursor].table
        ):
            m += 1
        if m and len(run) == m * k or (m and len(run) > m * k and not any(not t.is_blank for t in run[m * k :])):
            if any(not t.is_blank for t in run[: m * k]):
                for n in range(m):
                    self.assign(al, cursor + n, run[n * k : (n + 1) * k])
                al.last_token = i + m * k
                return cursor + m, i + m * k
        return cursor, i

    def unmatched_label(self, al: Alignment, toks: list[Token], i: int) -> None:
        """A label inside the table region that fits no template row: keep its printed numbers."""
        tok = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if nxt is None or nxt.row_key != tok.row_key or (not nxt.is_value and not self.skip_units):
            return  # no value follows (what collect() would find, without calling it)
        vals, _ = collect(toks, i + 1, None, tok.row_key, self.skip_units)
        vals = [v for v in vals if not v.is_blank]
        if not vals or (tok.row_key is None and (len(tok.text) > LABEL_MAX or len(core(tok.text)) > 40)):
            return
        is_header = core(tok.text) in self.header_cores
        for n, v in enumerate(vals):
            row = RowSpec("unmapped", core(tok.text)[:60], core(tok.text), (), tok.text.strip())
            f = figure(row, f"col{n}", v)
            f.mapped = False
            (al.header_values if is_header else al.unmapped).append(f)
