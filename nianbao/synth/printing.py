"""How agencies print cell values: 0 or blank or dash or 无, signed changes, full-width and Chinese digits, units."""

import random
from datetime import date

from nianbao import eras

from .model import Key, ReportSpec, fmt_number

ZH_DIGITS = "零一二三四五六七八九"
DASH_MARKS = ("-", "—", "/", "－", "——")
FULLWIDTH = str.maketrans("0123456789.+-", "０１２３４５６７８９．＋－")


def zh_number(n: int) -> str:
    """0..99999 in Chinese numerals as written in reports: 十二, 二十, 一百零五, 三千二百."""
    if n == 0:
        return "零"
    units = ((10000, "万"), (1000, "千"), (100, "百"), (10, "十"))
    out, zero_pending = "", False
    for size, name in units:
        d, n = divmod(n, size)
        if d:
            if zero_pending and out:
                out += "零"
            out += ("" if (size == 10 and d == 1 and not out) else ZH_DIGITS[d]) + name
            zero_pending = False
        elif out:
            zero_pending = True
    if n:
        out += ("零" if zero_pending and out else "") + ZH_DIGITS[n]
    return out


def zh_date(d: date) -> str:
    """二〇二一年一月二十日."""
    year = "".join("〇一二三四五六七八九"[int(ch)] for ch in str(d.year))
    return f"{year}年{zh_number(d.month)}月{zh_number(d.day)}日"


def fullwidth(text: str) -> str:
    return text.translate(FULLWIDTH)


def zero_style(rng: random.Random, template: str) -> str:
    """How this document prints zeros: 0, blank, a dash, 无, or a mix."""
    if eras.is_legacy(template):
        return rng.choices(("0", "blank", "dash", "none_word", "mixed"), (30, 50, 10, 4, 3))[0]
    return rng.choices(("0", "blank", "dash", "none_word", "mixed"), (70, 12, 10, 3, 3))[0]


def apply_printing(rng: random.Random, spec: ReportSpec) -> None:
    """Choose the printed form of every cell; blanks and dashes become None (blank) in `figures`."""
    style = zero_style(rng, spec.template)
    dash = rng.choice(DASH_MARKS)
    signed = rng.random() < 0.6
    wide = rng.random() < 0.07
    zh = rng.random() < 0.02
    unit_amounts = rng.random() < 0.25
    for key in sorted(spec.figures):
        v = spec.figures[key]
        if v is None or key in spec.raw:
            continue
        table, row, col = key
        if v == 0:
            if key in spec.protect:
                continue
            form = style if style != "mixed" else rng.choice(("0", "blank"))
            if form in ("blank", "dash"):
                spec.figures[key] = None
                if form == "dash":
                    spec.raw[key] = dash
            elif form == "none_word":
                spec.raw[key] = "无"
            continue
        if col == "change" and signed:
            spec.raw[key] = f"+{v}" if v > 0 else rng.choice((f"{v}", f"减{-v}"))
        elif col == "change" and v < 0 and rng.random() < 0.3:
            spec.raw[key] = f"减{-v}"
        elif col == "procurement_amount" and unit_amounts:
            if rng.random() < 0.5:
                spec.figures[key] = yuan = int(round(v * 10000))
                spec.raw[key] = f"{yuan}元"
            else:
                spec.raw[key] = f"{fmt_number(v)}万元"
        elif col == "fee_amount" and unit_amounts and rng.random() < 0.3:
            spec.figures[key] = yuan = int(round(v * 10000))
            spec.raw[key] = f"{yuan}元"
        elif zh and isinstance(v, int) and 0 < v < 100 and rng.random() < 0.15:
            spec.raw[key] = zh_number(v)
        elif wide and rng.random() < 0.4:
            spec.raw[key] = fullwidth(fmt_number(v))
    if eras.is_legacy(spec.template):
        for row in ("fees_collected", "special_funding"):
            key = ("legacy_stats", row, "value")
            v = spec.figures.get(key)
            if v and rng.random() < 0.35:
                spec.raw[key] = f"{fmt_number(v)}万元"
                spec.unit_column_values.add(row)


def truth_value(spec: ReportSpec, key: Key):
    """The value the truth file expects for a printed cell (None for blank or dash)."""
    return spec.figures.get(key)
