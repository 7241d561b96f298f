"""The Definitions list every GX suite and the dbt tests as asset checks on real assets, with the right severity policy."""

import dagster as dg
import pytest


@pytest.fixture(scope="module")
def specs(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("NIANBAO_HOME", str(tmp_path_factory.mktemp("check_defs")))
    from orchestration.definitions import build_definitions

    graph = build_definitions().resolve_asset_graph()
    yield graph, {key: graph.get_check_spec(key) for key in graph.asset_check_keys}
    mp.undo()


def test_every_gx_suite_is_an_asset_check_on_a_real_asset(specs):
    from expectations import registry

    graph, by_key = specs
    materializable = {k for k in graph.get_all_asset_keys() if graph.get(k).is_materializable}
    for suite in registry.SUITES:
        key = dg.AssetCheckKey(dg.AssetKey(suite.ASSET), suite.CHECK)
        assert key in by_key, suite.NAME
        assert key.asset_key in materializable, suite.NAME  # not a stub asset made up by a wrong key
        assert by_key[key].blocking is suite.BLOCKING, suite.NAME
        assert by_key[key].description, suite.NAME


def test_structural_suites_block_and_the_arithmetic_warns(specs):
    _, by_key = specs
    gx = {
        (k.asset_key.to_user_string(), k.name): s.blocking
        for k, s in by_key.items()
        if k.name in ("structural_contract", "publisher_arithmetic")
    }
    assert gx == {
        ("raw/documents", "structural_contract"): True,
        ("raw/quarantine", "structural_contract"): True,
        ("marts/fct_report_figures", "structural_contract"): True,
        ("marts/dim_reports", "structural_contract"): True,
        ("marts/fct_applications", "structural_contract"): True,
        ("marts/fct_report_figures", "publisher_arithmetic"): False,
    }


def test_dbt_tests_are_listed_next_to_the_gx_suites(specs):
    _, by_key = specs
    names = {(k.asset_key.to_user_string(), k.name) for k in by_key}
    dbt_tests = {n for n in names if n[1] not in ("structural_contract", "publisher_arithmetic")}
    assert any(a == "marts/fct_report_figures" for a, _ in dbt_tests)
    assert any(a == "marts/dim_reports" and n.startswith("unique") for a, n in dbt_tests)
    assert len(dbt_tests) >= 10


def test_every_blocking_gx_suite_gates_a_step_the_snapshot_waits_for(specs):
    """A blocking check gates every step with an input from its asset (dbt runs as one step, so a raw check
    stops all of dbt, and with it the marts and the snapshot)."""
    graph, by_key = specs
    upstream, frontier = set(), {dg.AssetKey(["bi", "snapshot"])}
    while frontier:
        parents = set().union(*(graph.get(k).parent_keys for k in frontier)) - upstream
        upstream |= parents
        frontier = parents
    step_inputs = set()
    for key in upstream:
        assets_def = graph.get(key).assets_def
        step_inputs |= set().union(*(graph.get(k).parent_keys for k in assets_def.keys))
    for key, spec in by_key.items():
        if spec.blocking and key.name == "structural_contract":
            assert key.asset_key in upstream | step_inputs, key
