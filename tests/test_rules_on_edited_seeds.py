"""Rules fire on real layouts: seed 004 and seed 002 edited the way publishers get them wrong."""

from conftest import CORPUS

from nianbao.extract import extract_bytes

SEED_2019 = (CORPUS / "004_7f3569336a1c441f.txt").read_text(encoding="utf-8")
SEED_LEGACY = (CORPUS / "002_e30e2049e38d0093.txt").read_text(encoding="utf-8")


def _replace_row(text: str, label: str, values: list[str]) -> str:
    """Rewrite the TAB cells that follow a row label in seed 004's layout."""
    head, sep, tail = text.partition(f"\t{label}\n")
    assert sep, label
    lines = tail.split("\n")
    for n, v in enumerate(values):
        assert lines[n].startswith("\t")
        lines[n] = f"\t{v}"
    return head + sep + "\n".join(lines)


def _rules(out):
    return sorted({f["rule"] for f in out["findings"]})


def test_consistent_numbers_pass_every_rule():
    text = _replace_row(SEED_2019, "一、本年新收政府信息公开申请数量", ["3", "1", "0", "0", "0", "0", "4"])
    text = _replace_row(text, "（一）予以公开", ["2", "1", "0", "0", "0", "0", "3"])
    text = _replace_row(text, "（七）总计", ["2", "1", "0", "0", "0", "0", "3"])
    text = _replace_row(text, "四、结转下年度继续办理", ["1", "0", "0", "0", "0", "0", "1"])
    out = extract_bytes(text.encode(), "edited.txt")
    assert _rules(out) == []
    assert {(f["row"], f["column"]): f["value"] for f in out["figures"]}[("granted", "total")] == 3


def test_r1_r2_r3_fire_on_broken_application_table():
    text = _replace_row(SEED_2019, "一、本年新收政府信息公开申请数量", ["3", "1", "0", "0", "0", "0", "5"])  # R2
    text = _replace_row(text, "（一）予以公开", ["2", "1", "0", "0", "0", "0", "3"])
    text = _replace_row(text, "（七）总计", ["1", "1", "0", "0", "0", "0", "2"])  # R3 and R1
    out = extract_bytes(text.encode(), "broken.txt")
    assert {"R1", "R2", "R3"} <= set(_rules(out))
    r2 = next(f for f in out["findings"] if f["rule"] == "R2")
    assert {c["row"] for c in r2["cells"]} == {"new_received"}
    assert all(c["location"]["table_index"] == 1 for c in r2["cells"])


def test_r9_fires_on_negative_count_but_not_on_signed_change():
    text = SEED_2019.replace("\t行政许可\n\t0\n\t0\n", "\t行政许可\n\t5\n\t减2\n", 1)
    out = extract_bytes(text.encode(), "signed.txt")
    fig = {(f["row"], f["column"]): f for f in out["figures"]}
    assert fig[("administrative_licensing", "change")]["value"] == -2
    assert "R9" not in _rules(out)
    text = _replace_row(
        SEED_2019, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ["-1", "0", "0", "0", "0", "0", "-1"]
    )
    assert "R9" in _rules(extract_bytes(text.encode(), "negative.txt"))


def test_s1_fires_when_a_row_is_missing():
    head, _, tail = SEED_2019.partition("\t\n\t\n\t8.属于行政查询事项\n")
    tail = "\n".join(tail.split("\n")[8:])
    out = extract_bytes((head + tail).encode(), "missing.txt")
    s1 = [f for f in out["findings"] if f["rule"] == "S1"]
    assert s1 and "t3_applications/denied_administrative_query" in s1[0]["message"]


def test_o1_and_o5_fire_on_legacy_table():
    text = SEED_LEGACY.replace("(一)收到申请数 | 件 | |", "(一)收到申请数 | 件 | 5 |")
    text = text.replace("1.当面申请数 | 件 | |", "1.当面申请数 | 件 | 3 |")
    text = text.replace("四、行政复议数量 | 件 | |", "四、行政复议数量 | 件 | 2 |")
    out = extract_bytes(text.encode(), "legacy.txt")
    rules = _rules(out)
    assert "O1" in rules and "O5" in rules
    fig = {(f["row"]): f["value"] for f in out["figures"] if f["table"] == "legacy_stats"}
    assert fig["applications_received"] == 5 and fig["applications_in_person"] == 3


def test_r12_flags_late_and_premature_publication():
    late = SEED_LEGACY.replace("\n2017年2月23日\n", "\n2017年5月3日\n")
    assert "R12" in _rules(extract_bytes(late.encode(), "late.txt"))
    assert "R12" not in _rules(extract_bytes(SEED_LEGACY.encode(), "ontime.txt"))


def test_invented_subtotal_column_is_kept_without_shifting_totals():
    """Some publishers add 法人或其他组织小计 before 总计: its cells are kept unmapped, 总计 stays 总计."""
    text = SEED_2019.replace("\t其他\n\t\n", "\t其他\n\t小计\n\t\n", 1)
    head, sep, tail = text.partition("\t一、本年新收政府信息公开申请数量\n")
    text = head + sep + "\t3\n\t1\n\t0\n\t0\n\t0\n\t0\n\t1\n\t4\n" + "\n".join(tail.split("\n")[7:])
    for label in ("二、上年结转政府信息公开申请数量",):
        head, sep, tail = text.partition(f"\t{label}\n")
        text = head + sep + "\t0\n" * 8 + "\n".join(tail.split("\n")[7:])
    out = extract_bytes(text.encode(), "subtotal.txt")
    figs = {(f["table"], f["row"], f["column"]): f["value"] for f in out["figures"]}
    assert figs[("t3_applications", "new_received", "total")] == 4
    assert figs[("t3_applications", "new_received", "other_org")] == 0
    assert figs[("unmapped", "t3_applications:new_received", "x_legal_person_subtotal")] == 1
