"""Pure domain bookkeeping: raw frames from extract dicts, discovery, hashing and the content-hash plan."""

import datetime as dt
import hashlib
import json

import polars as pl
from pipeline_support import CORPUS

from nianbao import batch, frames, raw_fingerprint
from nianbao.extract import extract_path

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_frames_have_exact_schemas_for_a_real_report():
    ex = extract_path(CORPUS / "004_7f3569336a1c441f.txt")
    out = frames.extraction_frames([ex], "v", NOW)
    for table in ("reports", "figures", "findings", "quarantine"):
        assert dict(out[table].schema) == frames.SCHEMAS[table], table
    assert out["reports"].height == 1 and out["reports"]["report_year"][0] == ex["report"]["report_year"]
    assert out["figures"].height == len(ex["figures"])
    assert out["figures"]["value"].dtype == pl.Float64
    first = ex["figures"][0]
    row = out["figures"].row(0, named=True)
    assert (row["table_code"], row["row_code"], row["column_code"]) == (first["table"], first["row"], first["column"])
    assert row["char_start"] == first["location"]["char_span"][0]
    assert out["quarantine"].height == 0


def test_is_mapped_follows_the_codebook_of_the_report_template():
    ex = {
        "sha256": "a" * 64,
        "source": "x",
        "status": "ok",
        "report": {"template": "2019"},
        "figures": [
            {
                "table": "t4_review_litigation",
                "row": "administrative_review",
                "column": "upheld",
                "value": 1,
                "raw": "1",
                "location": {},
            },
            {
                "table": "legacy_stats",
                "row": "proactive_total",
                "column": "value",
                "value": 1,
                "raw": "1",
                "location": {},
            },
        ],
    }
    figs = frames.extraction_frames([ex], "v", NOW)["figures"]
    assert figs["is_mapped"].to_list() == [True, False]


def test_failed_file_becomes_a_quarantine_row_per_path_and_no_report():
    ex = {
        "sha256": "b" * 64,
        "source": "p1",
        "format": "pdf",
        "status": "error",
        "error": {"kind": "EncryptedPdf", "message": "needs a password"},
        "report": None,
        "figures": [],
    }
    out = frames.extraction_frames([ex], "v", NOW, {"b" * 64: ["p1", "p2"]})
    assert out["reports"].height == 0
    assert out["quarantine"]["path"].to_list() == ["p1", "p2"]
    assert set(out["quarantine"]["error_kind"]) == {"EncryptedPdf"}


def test_finding_cells_are_json_text():
    ex = {
        "sha256": "c" * 64,
        "source": "x",
        "status": "ok",
        "report": {},
        "figures": [],
        "findings": [{"rule": "O6", "severity": "error", "message": "m", "cells": [{"table": "t", "value": 1}]}],
    }
    row = frames.extraction_frames([ex], "v", NOW)["findings"].row(0, named=True)
    assert json.loads(row["cells"]) == [{"table": "t", "value": 1}]


def test_rules_frame_keeps_every_rule_and_the_unquoted_comma_formula():
    rules = frames.rules_frame()
    assert rules.height == 20
    r9 = rules.filter(pl.col("rule_id") == "R9")["formula"][0]
    assert r9.endswith("(procurement_amount, fee_amount, fees_collected, special_funding)")


def test_scan_hashes_recursively_and_skips_hidden(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_bytes(b"one")
    (tmp_path / ".hidden").write_bytes(b"no")
    (tmp_path / "y.txt").write_bytes(b"two")
    files = batch.scan(tmp_path)
    assert [f.path for f in files] == [str((tmp_path / "y.txt").resolve()), str((tmp_path / "a" / "x.txt").resolve())]
    assert {f.sha256 for f in files} == {hashlib.sha256(b"one").hexdigest(), hashlib.sha256(b"two").hexdigest()}


def test_plan_parses_each_new_content_once_and_skips_cached():
    f = [
        batch.RawFile("p1", "s1", 1),
        batch.RawFile("p2", "s1", 1),
        batch.RawFile("p3", "s2", 1),
        batch.RawFile("p4", "s3", 1),
    ]
    plan = batch.plan(f, {"s3"})
    assert [x.path for x in plan.to_parse] == ["p1", "p3"]
    assert [x.path for x in plan.cached] == ["p2", "p4"]
    assert plan.paths_by_sha["s1"] == ["p1", "p2"]


def test_fingerprint_changes_when_a_file_appears(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"a")
    before = raw_fingerprint.fingerprint(tmp_path)
    assert raw_fingerprint.fingerprint(tmp_path) == before
    (tmp_path / "b.txt").write_bytes(b"b")
    assert raw_fingerprint.fingerprint(tmp_path) != before
