"""Local 统计表 forms from before the national table (莆田 2009, 定西, 吉林 年度数/历年累计数, …).

They share the shape 指标名称 | 计量单位 | [代码] | value columns, not the rows. Rows that mean a codebook row are
mapped (by the codebook label or a local alias, in any order); every other printed number is kept unmapped
under its own label, and a second value column (历年累计, 本年累计) is kept unmapped under its header.
"""

import re
from dataclasses import dataclass

from nianbao.parse.align import Alignment, RowSpec, figure
from nianbao.parse.labels import core
from nianbao.parse.legacy import row_sequence
from nianbao.parse.stream import Token

# local wording → codebook row of the 统计表
ALIASES = {
    "主动公开信息数": "proactive_total",
    "主动公开政府信息数": "proactive_total",
    "政府网站": "channel_website",
    "政府公报": "channel_gazette",
    "受理依申请公开信息总数": "applications_received",
    "申请总数": "applications_received",
    "依申请公开信息总数": "applications_received",
    "网上申请数": "applications_online",
    "其它形式申请数": "applications_other",
    "其他形式申请数": "applications_other",
    "本年度对申请的答复总数": "applications_answered",
    "对申请的答复总数": "applications_answered",
    "否决公开答复总数": "answered_denied",
    "不同意公开答复数": "answered_denied",
    "行政复议数": "review_total",
    "行政诉讼数": "litigation_total",
}
_LABEL_HEAD = re.compile(r"指标")
_UNIT_HEAD = re.compile(r"单位")
_CODE_HEAD = re.compile(r"^(?:代码|序号|编号|行次)$")
_CUMULATIVE = re.compile(r"累计")
_VALUE_HEAD = re.compile(r"统计数|本期|年度数|\d{4}年|本年|数量|数值|实际|合计")


@dataclass(frozen=True)
class Header:
    """Column roles of a local form, by column index."""

    table_index: int
    row_index: int
    label_cols: tuple[int, ...]
    unit_cols: tuple[int, ...]
    code_cols: tuple[int, ...]
    value_cols: tuple[tuple[int, str], ...]  # (column, header words); the first is the form's own value


def _rows(toks: list[Token]) -> dict[tuple[int, int], list[Token]]:
    rows: dict[tuple[int, int], list[Token]] = {}
    for t in toks:
        if t.row_key is not None:
            rows.setdefault(t.row_key, []).append(t)
    return rows


def find_header(toks: list[Token]) -> Header | None:
    """The first table row that reads like 指标名称 | 单位 | value columns."""
    for key, row in _rows(toks).items():
        texts = [core(t.text) for t in row]
        if not any(_LABEL_HEAD.search(x) for x in texts) or not any(_UNIT_HEAD.search(x) for x in texts):
            continue
        label, unit, code, value = [], [], [], []
        for t, x in zip(row, texts):
            col = t.loc[3]
            if _LABEL_HEAD.search(x):
                label.append(col)
            elif _UNIT_HEAD.search(x):
                unit.append(col)
            elif _CODE_HEAD.match(x):
                code.append(col)
            elif x and (_VALUE_HEAD.search(x) or _CUMULATIVE.search(x)):
                value.append((col, x))
        if value:
            value.sort(key=lambda cv: (bool(_CUMULATIVE.search(cv[1])), cv[0]))
            return Header(key[0], key[1], tuple(label), tuple(unit), tuple(code), tuple(value))
    return None


def _mapping() -> dict[str, RowSpec]:
    by_code = {r.code: r for r in row_sequence()}
    out = {r.core: r for r in row_sequence()}
    out.update({core(alias): by_code[code] for alias, code in ALIASES.items()})
    return out


def _column_name(words: str, primary: bool) -> str:
    return "value" if primary else ("cumulative" if _CUMULATIVE.search(words) else f"col_{words[:20]}")


def parse_local_form(toks: list[Token], header: Header) -> Alignment:
    """Figures of a local form: mapped where a row means a codebook row, unmapped otherwise; nothing dropped."""
    al = Alignment()
    mapping = _mapping()
    for key, row in _rows(toks).items():
        if key[0] != header.table_index or key[1] <= header.row_index:
            continue
        by_col = {t.loc[3]: t for t in row}
        label_toks = [
            t
            for t in row
            if t.loc[3] not in header.unit_cols + header.code_cols
            and t.loc[3] not in {c for c, _ in header.value_cols}
            and not t.is_value
        ]
        label = "".join(t.text for t in label_toks).strip()
        if not label:
            continue
        c = core(label)
        spec = mapping.get(c)
        if spec is not None and (spec.table, spec.code, "value") in al.figures:
            spec = None  # a second row with the same meaning stays unmapped: one printed cell, one figure
        for n, (col, words) in enumerate(header.value_cols):
            tok = by_col.get(col)
            if tok is None or not tok.is_value:
                continue
            name = _column_name(words, n == 0)
            if spec is not None and name == "value":
                al.figures[(spec.table, spec.code, "value")] = figure(spec, "value", tok)
            elif not tok.is_blank:
                owner = spec or RowSpec("unmapped", c[:60], c, (), label)
                f = figure(
                    RowSpec(
                        "unmapped", owner.code if spec is None else f"legacy_stats:{spec.code}", owner.core, (), label
                    ),
                    name,
                    tok,
                )
                f.mapped = False
                al.unmapped.append(f)
        if al.first_token is None:
            al.first_token = 0
    return al


def local_totals(al: Alignment, toks: list[Token], header: Header) -> list[tuple[Token, list[Token]]]:
    """(total cell, its 其中 cells) pairs of the form's own value column: a 总数 row and the numbered rows under it."""
    col = header.value_cols[0][0]
    rows = [r for k, r in sorted(_rows(toks).items()) if k[0] == header.table_index and k[1] > header.row_index]
    pairs = []
    for n, row in enumerate(rows):
        label = "".join(t.text for t in row if not t.is_value)
        if "总数" not in label:
            continue
        total = next((t for t in row if t.loc[3] == col), None)
        kids = []
        for nxt in rows[n + 1 :]:
            lab = re.sub(r"\s+", "", "".join(t.text for t in nxt if not t.is_value))
            if not re.match(r"^(?:其中[:：]?)?\d+[.．、]", lab):
                break
            cell = next((t for t in nxt if t.loc[3] == col), None)
            if cell is not None:
                kids.append(cell)
        if total is not None and kids:
            pairs.append((total, kids))
    return pairs
