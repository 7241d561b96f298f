"""The repo's copies of the shared contract stay byte-identical to ../shared (when a checkout has it)."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
COPIES = [
    ("spec/codebook.csv", "nianbao/spec/codebook.csv"),
    ("spec/rules.csv", "nianbao/spec/rules.csv"),
    ("spec/cli.md", "nianbao/spec/cli.md"),
    ("spec/codebook.csv", "dbt_project/seeds/codebook.csv"),
    ("spec/rules.csv", "dbt_project/seeds/rules.csv"),
    ("spec/truth/seeds.json", "tests/fixtures/truth/seeds.json"),
] + [(f"seeds/{p.name}", f"samples/corpus/{p.name}") for p in sorted((ROOT / "samples/corpus").glob("0*.txt"))]


@pytest.mark.parametrize("shared,ours", COPIES)
def test_copy_is_identical(shared, ours):
    if not (SHARED / shared).exists():
        pytest.skip("no ../shared in this checkout")
    assert (ROOT / ours).read_bytes() == (SHARED / shared).read_bytes()


def test_rules_csv_is_a_valid_six_column_csv():
    """Every row of rules.csv has exactly the header's fields (the dbt seed reads it as it is)."""
    import csv

    with (ROOT / "nianbao/spec/rules.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f, strict=True))
    assert rows[0] == ["rule_id", "templates", "scope", "severity", "statement", "formula"]
    assert all(len(r) == 6 for r in rows[1:]), [r[0] for r in rows[1:] if len(r) != 6]
    assert {r[0] for r in rows[1:]} >= {"R1", "R9", "R12", "O5", "O10", "S1"}
