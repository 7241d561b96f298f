"""Parse one printed cell value: blanks, dashes, 无, signed changes, full-width digits, Chinese numerals, units."""

import functools
import re
import unicodedata
from dataclasses import dataclass

# kinds of printed value
BLANK, DASH, NONE_WORD, NUMBER, SIGNED, ZH_NUMERAL, TEXT = (
    "blank",
    "dash",
    "none_word",
    "number",
    "signed",
    "zh_numeral",
    "text",
)

DASHES = {"-", "--", "—", "——", "–", "/", "\\", "…", "……", "－", "／", "―", "一一", "─"}
NONE_WORDS = {"无", "暂无", "没有", "未发生", "无此项"}
UNITS = ("万元", "人次", "元", "条", "件", "项", "次", "篇", "个", "人", "家", "份", "%", "万")
UNIT_WORDS = frozenset(UNITS)
_UNIT_ALT = "|".join(UNITS)
_NUM = re.compile(
    rf"^(?P<approx_pre>约|近|共|计|共计)?(?P<sign>[+\-]|增加?|减少?)?"
    rf"(?P<num>\d+(?:,\d{{3}})*(?:\.\d+)?)(?P<approx_post>余|多)?(?P<unit>{_UNIT_ALT})?(?P<approx_tail>余|多|左右)?$"
)
_ZH_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "壹": 1,
    "贰": 2,
    "叁": 3,
    "肆": 4,
    "伍": 5,
    "陆": 6,
    "柒": 7,
    "捌": 8,
    "玖": 9,
}
_ZH_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_ZH_CHARS = set(_ZH_DIGITS) | set(_ZH_UNITS) | {"万"}
_STRAY = ":;,.。，、：；'\"`·*"
_WS = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Value:
    """A parsed cell: the number (None when nothing numeric was printed), what was printed, and how."""

    value: int | float | None
    kind: str
    raw: str
    unit: str | None = None
    approximate: bool = False

    @property
    def is_value_like(self) -> bool:
        """True for anything that can sit in a data cell (numbers, blanks, dashes, 无)."""
        return self.kind != TEXT


def normalize(raw: str) -> str:
    """NFKC (full-width digits and signs to ASCII) and no whitespace at all."""
    return _WS.sub("", unicodedata.normalize("NFKC", raw or "")).replace("\u200b", "")


def zh_to_int(s: str) -> int | None:
    """Chinese numeral to int: 十二, 一百二十, 两, 〇, 二〇一九 (digit by digit), 壹佰贰拾, 五千六百, 3万."""
    if not s or any(ch not in _ZH_CHARS for ch in s):
        return None
    if "万" in s:
        hi, _, lo = s.partition("万")
        h = zh_to_int(hi) if hi else 1
        low = zh_to_int(lo) if lo else 0
        return None if h is None or low is None else h * 10000 + low
    if not any(ch in _ZH_UNITS for ch in s):  # 二〇一九: positional digits
        n = 0
        for ch in s:
            n = n * 10 + _ZH_DIGITS[ch]
        return n
    total, digit = 0, None
    for ch in s:
        if ch in _ZH_DIGITS:
            digit = _ZH_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _ZH_UNITS[ch]
            digit = None
    return total + (digit or 0)


def _as_number(text: str) -> int | float:
    text = text.replace(",", "")
    return float(text) if "." in text else int(text)


def parse_value(raw: str | None) -> Value:
    """Classify and parse one printed value; never raises. `raw` is kept as printed."""
    raw = "" if raw is None else str(raw)
    if len(raw) > 40 and len(raw.strip()) > 30:  # a sentence or a label, never a printed value
        return Value(None, TEXT, raw)
    return _parse_short(raw)


@functools.lru_cache(maxsize=100_000)
def _parse_short(raw: str) -> Value:
    """parse_value of a short text, memoised: printed values repeat within and across documents."""
    s = normalize(raw)
    if not s:
        return Value(None, BLANK, raw)
    if s in DASHES or set(s) <= set("-—–―─/\\…"):
        return Value(None, DASH, raw)
    if s in NONE_WORDS:
        return Value(0, NONE_WORD, raw)
    t = s.strip(_STRAY) or s
    m = _NUM.match(t)
    if m:
        num = _as_number(m["num"])
        sign = m["sign"]
        unit = m["unit"]
        if unit == "万":
            num, unit = num * 10000, None
            num = int(num) if float(num).is_integer() else num
        approx = bool(m["approx_pre"] in ("约", "近") or m["approx_post"] or m["approx_tail"])
        if sign:
            neg = sign in ("-",) or sign.startswith("减")
            return Value(-num if neg else num, SIGNED, raw, unit, approx)
        return Value(num, NUMBER, raw, unit, approx)
    zh = t[:-1] if t[-1:] in UNIT_WORDS and len(t) > 1 else t
    n = zh_to_int(zh)
    if n is not None:
        return Value(n, ZH_NUMERAL, raw, t[-1] if zh != t else None)
    if t.startswith("减") and zh_to_int(t[1:]) is not None:
        return Value(-zh_to_int(t[1:]), SIGNED, raw)
    return Value(None, TEXT, raw)


_UNITS_ONLY = re.compile(rf"^(?:{_UNIT_ALT})+$")


@functools.lru_cache(maxsize=4096)
def is_unit_word(raw: str) -> bool:
    """True when a cell holds only a unit (条, 件, 万元 …), as in the 单位 column of the 统计表; OCR may repeat it."""
    s = normalize(raw)
    return s in UNIT_WORDS or bool(s and _UNITS_ONLY.match(s))
