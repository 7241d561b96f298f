"""One classification of publishing bodies and one R12 deadline (rules.csv R12) for every kind of body."""

import datetime as dt

import pytest

from nianbao import bodies


@pytest.mark.parametrize(
    "name,kind",
    [
        ("淮安市洪泽区人民政府", "government"),
        ("沭阳县人民政府", "government"),
        ("湖南省人民政府", "government"),
        ("谢塘镇", "township"),
        ("谢塘镇人民政府", "township"),
        ("马场乡政府", "township"),
        ("南湖街道办事处", "street_office"),
        ("城关街道", "street_office"),
        ("淮安市人民政府办公室", "government_office"),
        ("平潭综合实验区公安局", "department"),
        ("市中区林业局", "department"),
        ("某某县发展和改革委员会", "department"),
        ("平潭综合实验区管委会", "other"),
        ("", "other"),
    ],
)
def test_kind_of_body(name, kind):
    assert bodies.kind_of_body(name) == kind


@pytest.mark.parametrize(
    "name,year,due",
    [
        ("沭阳县人民政府", 2023, dt.date(2024, 3, 31)),  # a county-or-higher government's own report
        ("谢塘镇人民政府", 2023, dt.date(2024, 1, 31)),  # a township government is not county-or-higher
        ("南湖街道办事处", 2023, dt.date(2024, 1, 31)),
        ("市中区林业局", 2023, dt.date(2024, 1, 31)),
        ("淮安市人民政府办公室", 2023, dt.date(2024, 1, 31)),
        ("市中区林业局", 2018, dt.date(2019, 3, 31)),  # before the 2019 reports: 31 March for everyone
        ("谢塘镇", 2013, dt.date(2014, 3, 31)),
    ],
)
def test_deadline(name, year, due):
    assert bodies.deadline(year, bodies.kind_of_body(name)) == due


def test_no_year_no_deadline():
    assert bodies.deadline(None, "government") is None
