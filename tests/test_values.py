"""Printed cell values as agencies write them."""

import pytest

from nianbao.values import parse_value


@pytest.mark.parametrize(
    "raw,value,kind",
    [
        ("", None, "blank"),
        ("—", None, "dash"),
        ("-", None, "dash"),
        ("/", None, "dash"),
        ("无", 0, "none_word"),
        ("１２", 12, "number"),
        ("20 条", 20, "number"),
        ("1,234", 1234, "number"),
        ("25.", 25, "number"),
        ("+2", 2, "signed"),
        ("-1", -1, "signed"),
        ("减4", -4, "signed"),
        ("十二", 12, "zh_numeral"),
        ("二〇一九", 2019, "zh_numeral"),
        ("壹佰贰拾", 120, "zh_numeral"),
        ("0.5万元", 0.5, "number"),
        ("251000元", 251000, "number"),
        ("11.876", 11.876, "number"),
        ("见附件", None, "text"),
    ],
)
def test_parse_value(raw, value, kind):
    v = parse_value(raw)
    assert (v.value, v.kind) == (value, kind)
    assert v.raw == raw


def test_units_and_approximation_are_kept():
    assert parse_value("0.5万元").unit == "万元"
    assert parse_value("42余").approximate and parse_value("约44").approximate
    assert not parse_value("44").approximate


def test_rules_csv_formula_kept_whole_despite_unquoted_commas():
    from nianbao import codebook

    r9 = codebook.rules()["R9"]
    assert r9["severity"] == "error"
    assert r9["formula"].endswith("(procurement_amount, fee_amount, fees_collected, special_funding)")
