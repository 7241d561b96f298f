"""The BI site in a real browser: a generated multi-year corpus plus the five samples goes through `make run` and
`make bi` in a temp NIANBAO_HOME; headless Chromium opens every page and finds the numbers the snapshot holds.

Screenshots of every page go to $NIANBAO_HOME/screenshots (the NIANBAO_HOME of the test session, ./data by
default), for a person to look at.
"""

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOTS = Path(os.environ.get("NIANBAO_HOME", ROOT / "data")).resolve() / "screenshots"
SERIES_BODIES = 3


def _why_not() -> str | None:
    """Why the browser tests cannot run here (None when they can)."""
    if not CHROMIUM.exists():
        return "Debian's chromium is missing (apt-get install chromium; .ci/run installs it)"
    if not shutil.which("node") or not shutil.which("npm"):
        return "node and npm are needed to build the Evidence site"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright python package is missing (uv sync)"
    return None


pytestmark = [pytest.mark.slow, pytest.mark.skipif(_why_not() is not None, reason=_why_not() or "")]


def _serve_module():
    """bi/serve.py, the server `make bi-serve` runs."""
    spec = importlib.util.spec_from_file_location("nianbao_bi_serve", ROOT / "bi" / "serve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _make(target: str, home: Path, raw: Path) -> None:
    """Run a make target against the temp home; its output is shown when it fails."""
    env = {
        **os.environ,
        "NIANBAO_HOME": str(home),
        "NIANBAO_RAW_DIR": str(raw),
        "DAGSTER_HOME": str(home / "dagster_home"),
    }
    env.pop("NIANBAO_WAREHOUSE_PATH", None)
    done = subprocess.run(
        ["make", "-C", str(ROOT), target], env=env, capture_output=True, text=True, timeout=1500, check=False
    )
    assert done.returncode == 0, f"make {target} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(snapshot connection, base URL): the samples and a multi-year series (one body stops in its last year)."""
    home = tmp_path_factory.mktemp("bi") / "home"
    raw = home / "raw"
    shutil.copytree(ROOT / "samples" / "corpus", raw)
    series = raw / "series"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "nianbao.cli",
            "synth",
            "--out",
            str(series),
            "--count",
            str(SERIES_BODIES),
            "--seed",
            "7",
            "--series",
            "--formats",
            "txt,html",
            "--violation-rate",
            "0.5",
        ],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    (series / "truth.json").unlink()
    last = max(series.glob("series000_*"))  # the first body does not publish its last year
    last.unlink()
    _make("run", home, raw)
    _make("bi", home, raw)
    con = duckdb.connect(str(home / "bi" / "nianbao.duckdb"), read_only=True)
    server, base = _serve_module().serve_in_thread(home / "bi-site")
    yield con, base
    server.shutdown()
    con.close()


@pytest.fixture(scope="module")
def browser(site):
    """One headless Chromium (Debian's) for the module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def _open(browser, base: str, path: str, shot: str, ready: str = "main table, main svg"):
    """The page at path once its tables and charts rendered, its text, the text of its SVG charts; a screenshot.

    Fails if the page asked anything of a host other than the site's own."""
    page = browser.new_page(viewport={"width": 1400, "height": 1800}, locale="zh-CN")
    foreign: list[str] = []
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith((base, "data:", "blob:")) else None)
    page.goto(base + path, wait_until="networkidle")
    page.wait_for_selector(ready, timeout=30_000)
    page.wait_for_timeout(1500)  # the charts' animation
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"), full_page=True)
    text = page.inner_text("main")
    svg = [t.text_content() or "" for t in page.query_selector_all("main svg text")]
    assert not foreign, f"{path} fetched from other hosts: {foreign[:5]}"
    return page, text, svg


def _n(value) -> str:
    """A count as the site prints it (thousands separated)."""
    return f"{int(value):,}"


def test_home_shows_the_snapshot_totals(site, browser):
    con, base = site
    n_reports, n_agencies = con.execute(
        "select (select count(*) from marts.dim_reports), (select count(*) from marts.dim_agencies)"
    ).fetchone()
    page, text, _ = _open(browser, base, "/", "index", ready="text=年度范围")
    assert "政府信息公开工作年度报告" in text and "覆盖漏斗" in text
    assert _n(n_reports) in text and _n(n_agencies) in text
    page.close()


def test_coverage_funnel_counts_expected_found_and_clean_bodies(site, browser):
    con, base = site
    year, expected, found, on_time, clean = con.execute("""
        select report_year, sum(n_expected), sum(n_found), sum(n_on_time), sum(n_arithmetic_clean)
        from marts.rpt_coverage_funnel group by 1 order by 1 desc limit 1""").fetchone()
    regions = con.execute("select count(*) from marts.dim_regions").fetchone()[0]
    assert expected >= regions > 3000  # every county-or-higher government is expected
    page, text, svg = _open(browser, base, "/coverage", "coverage")
    assert str(year) in text
    for label, n in (("应报机关", expected), ("已找到年报", found), ("按时发布", on_time), ("算术无误", clean)):
        assert f"{label}\t{_n(n)}" in text, (label, n)
    assert any(t.startswith(_n(expected)) for t in svg) and any(t.startswith(_n(found)) for t in svg)
    province, level_n = con.execute(
        """
        select province, n_expected from marts.rpt_coverage_funnel where report_year = ?
        order by n_found desc, n_expected desc limit 1""",
        [year],
    ).fetchone()
    assert province in text and _n(level_n) in text
    page.close()


def test_late_and_missing_names_the_body_that_stopped_publishing(site, browser):
    con, base = site
    body, year, last = con.execute("""
        select body_name, report_year, last_report_year from marts.rpt_missing_publishers
        where expected_because = 'published_before' and publication_status = 'missing'
            and last_report_year = report_year - 1
        order by report_year desc, body_name limit 1""").fetchone()
    page, text, svg = _open(browser, base, "/late-missing", "late-missing")
    assert f"{body}\t" in text and f"\t{year}\t未找到" in text and str(last) in text
    assert "未找到" in svg  # the chart's legend
    page.close()


def test_body_page_charts_and_tables_show_its_figures(site, browser):
    con, base = site
    agency_id, name = con.execute("""
        select agency_id, any_value(agency_name) from marts.rpt_agency_year
        where applications_received > 0 group by agency_id order by count(*) desc, agency_id limit 1""").fetchone()
    rows = con.execute(
        """select report_year, applications_received, administrative_reviews
        from marts.rpt_agency_year where agency_id = ? order by report_year""",
        [agency_id],
    ).fetchall()
    page, text, svg = _open(browser, base, f"/bodies/{agency_id}", "body")
    assert name in text
    for year, received, reviews in rows:
        assert str(year) in svg, year
        if received is not None:
            assert _n(received) in svg and _n(received) in text, (year, received)
        if reviews is not None:
            assert _n(reviews) in svg, (year, reviews)
    n_failures = con.execute(
        "select count(*) from marts.rpt_rule_failures where agency_id = ?", [agency_id]
    ).fetchone()[0]
    assert text.count("定位") >= min(n_failures, 30)
    page.close()


def test_failure_explorer_links_to_the_marked_cell(site, browser):
    con, base = site
    per_rule = con.execute(
        "select rule_id, count(distinct failure_id) from marts.rpt_rule_failures group by 1 order by 1"
    ).fetchall()
    assert per_rule, "the generated corpus breaks rules"
    page, text, svg = _open(browser, base, "/failures", "failures")
    for rule_id, n in per_rule:
        assert rule_id in svg and rule_id in text
        assert _n(n) in svg, (rule_id, n)
    report_id, start, value = con.execute("""
        select report_id, char_start, value from marts.rpt_rule_failures
        where char_start is not null and value is not null order by rule_id, report_id, char_start limit 1""").fetchone()
    link = page.query_selector(f'a[href="/docs/{report_id}/index.html#c{start}"]')
    assert link is not None, "the failure links to its cell"
    page.close()
    doc = browser.new_page(viewport={"width": 1200, "height": 900})
    doc.goto(f"{base}/docs/{report_id}/index.html#c{start}")
    marked = doc.query_selector("mark:target")
    assert marked is not None and marked.get_attribute("id") == f"c{start}"
    assert str(int(value)) in marked.inner_text().replace(",", "")
    doc.screenshot(path=str(SCREENSHOTS / "failure-document.png"))
    doc.close()


def test_quality_page_counts_reports_by_era(site, browser):
    con, base = site
    eras = con.execute(
        "select coalesce(template, 'unknown'), count(*) from marts.rpt_report_quality group by 1 order by 1"
    ).fetchall()
    page, text, svg = _open(browser, base, "/quality", "quality")
    assert "抽取复核清单" in text
    names = {
        "2019": "2019 年版",
        "2021": "2021 年版",
        "pre2019_table": "2019 年前统计表",
        "prose": "仅文字（无统计表）",
    }
    for era, n in eras:
        assert f"{names.get(era, '未识别')}\t{_n(n)}" in text, (era, n)
        assert _n(n) in svg
    page.close()


def test_registry_holds_every_government_of_the_region_table_and_every_found_report(site):
    from nianbao import regions

    con, _ = site
    places = regions.gazetteer()
    counties = {c for c, p in places.items() if p.level == "county"}
    assert {
        r[0] for r in con.execute("select region_code from marts.dim_regions where level = 'county'").fetchall()
    } == counties
    shandong = con.execute("select government_name from marts.dim_regions where region_code = '370000'").fetchone()
    assert shandong == (places["370000"].name + "人民政府",)
    found = dict(con.execute("select report_year, count(*) from marts.dim_reports group by 1").fetchall())
    funnel = dict(con.execute("select report_year, sum(n_found) from marts.rpt_coverage_funnel group by 1").fetchall())
    assert {y: n for y, n in funnel.items() if n} == found  # every report found belongs to an expected body
