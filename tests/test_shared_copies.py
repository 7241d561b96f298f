"""The repo's copies of the shared contract stay byte-identical to ../shared (when a checkout has it)."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
COPIES = [
    ("spec/codebook.csv", "nianbao/spec/codebook.csv"),
    ("spec/rules.csv", "nianbao/spec/rules.csv"),
    ("spec/codebook.csv", "dbt_project/seeds/codebook.csv"),
    ("spec/rules.csv", "dbt_project/seeds/rules.csv"),
    ("spec/truth/seeds.json", "tests/fixtures/truth/seeds.json"),
] + [(f"seeds/{p.name}", f"samples/corpus/{p.name}") for p in sorted((ROOT / "samples/corpus").glob("0*.txt"))]


@pytest.mark.parametrize("shared,ours", COPIES)
def test_copy_is_identical(shared, ours):
    if not (SHARED / shared).exists():
        pytest.skip("no ../shared in this checkout")
    assert (ROOT / ours).read_bytes() == (SHARED / shared).read_bytes()


def test_rule_catalog_seed_says_what_the_spec_says():
    """dbt_project/seeds/rule_catalog.csv is rules.csv with its formula field quoted, and nothing else changed."""
    import csv

    from nianbao import codebook

    with (ROOT / "dbt_project/seeds/rule_catalog.csv").open(encoding="utf-8") as f:
        seeded = {r["rule_id"]: r for r in csv.DictReader(f)}
    spec = codebook.rules()
    assert list(seeded) == list(spec)
    for rule_id, row in spec.items():
        assert {k: row[k] for k in seeded[rule_id]} == seeded[rule_id], rule_id
