"""The parser on a generated corpus of every era, layout and encoding: the issue's bar, on a CI-sized sample."""

import pytest

from nianbao.evaluate import score
from nianbao.extract import extract_path
from nianbao.synth.corpus import write_corpus

COUNT = 160  # ten of every template × layout pair


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    truth = write_corpus(out, COUNT, seed=2026, formats=["txt"])
    outputs = [extract_path(out / t["file"]) for t in truth]
    return truth, outputs, score(truth, outputs)


def test_every_generated_document_is_read(scored):
    truth, outputs, _ = scored
    assert len(outputs) == COUNT and all(o["status"] == "ok" for o in outputs)
    assert {t["report"]["template"] for t in truth} == {"2019", "2021", "pre2019_table", "prose"}


def test_at_least_99_5_percent_of_cells_right(scored):
    s = scored[2]
    assert s.cells > 10_000
    assert s.cell_rate >= 0.995, s.notes[:20]


def test_no_value_invented_in_a_blank_cell(scored):
    assert scored[2].invented == 0, scored[2].notes[:20]


def test_metadata_at_least_98_percent_right(scored):
    assert scored[2].meta_rate >= 0.98, [n for n in scored[2].notes if "meta" in n][:20]


def test_every_injected_violation_is_found(scored):
    s = scored[2]
    assert s.violations >= 20
    assert s.found == s.violations, [n for n in s.notes if "undetected" in n]


def test_no_hard_rule_false_alarm_on_clean_reports(scored):
    assert scored[2].false_alarms == 0, [n for n in scored[2].notes if "false alarm" in n]
