"""R12 is computed once (nianbao.bodies): a department, a township, a 街道 and a county-or-higher government, each
publishing its 2019 report on 20 February 2020, get the same verdict from the extractor's findings and from
marts.dim_reports, and the verdict rules.csv R12 states (only the government's own report is on time)."""

import datetime as dt

import pytest
from pipeline_support import ROOT, failed_error_checks, make_pipeline

SEED = ROOT / "samples" / "corpus" / "004_7f3569336a1c441f.txt"  # a 2019-template report with no date printed
BODIES = {  # printed name -> on time when published 2020-02-20
    "海安市科技局": False,  # a department: 31 January
    "海安市城东镇人民政府": False,  # a township government is not county-or-higher: 31 January
    "海安市城东街道办事处": False,  # a 街道: 31 January
    "海安市人民政府": True,  # a county-level government's own report: 31 March
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    text = SEED.read_text(encoding="utf-8")
    title, rest = text.split("\n", 1)
    mp = pytest.MonkeyPatch()
    p = make_pipeline(tmp_path_factory.mktemp("deadline") / "home", mp)
    for f in p.raw.iterdir():
        f.unlink()
    for i, name in enumerate(BODIES):
        body = f"{name}2019年政府信息公开工作年度报告\n{rest.rstrip()}\n\n{name}\n2020年2月20日\n"
        (p.raw / f"{i}.txt").write_text(body, encoding="utf-8")
    result = p.run()
    yield p, result
    mp.undo()


def test_findings_and_dim_reports_agree_with_rules_csv(built):
    p, result = built
    assert result.success and failed_error_checks(result) == []
    rows = p.query(
        "select r.agency_name_printed, d.published_date, d.deadline_date, d.is_on_time, "
        "exists (select 1 from marts.fct_findings f where f.report_id = d.report_id and f.rule_id = 'R12') "
        "from marts.dim_reports d join intermediate.int_reports__current r using (report_id)"
    )
    assert len(rows) == len(BODIES)
    for printed, published, deadline, on_time, r12 in rows:
        assert published == dt.date(2020, 2, 20), printed
        assert on_time is BODIES[printed], (printed, deadline)
        assert r12 is (not BODIES[printed]), printed
        assert deadline == (dt.date(2020, 3, 31) if BODIES[printed] else dt.date(2020, 1, 31)), printed
