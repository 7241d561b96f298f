"""Label keys (nianbao.parse.labels): what a printed label reduces to, and which printed labels name a row."""

from nianbao.parse.labels import core, matches


def test_core_strips_enumerators_annotations_punctuation_and_spacing():
    assert core("（一）维持行政行为") == "维持行政行为"
    assert core("三、本年度办理结果") == "本年度办理结果"
    assert core("其中：1.本年新收政府信息公开申请数量") == "本年新收政府信息公开申请数量"
    assert core("其他主动公开文件（含政策解读、新闻发布）") == "其他主动公开文件"  # Hubei's annotated label
    assert core("本 年 新\n收 政 府 信 息 公 开 申 请 数 量") == "本年新收政府信息公开申请数量"
    assert core("１．行政复议") == "行政复议"  # full-width enumerator, NFKC
    assert core("⑥属于三类内部事务信息") == "属于三类内部事务信息"  # a circled enumerator
    assert core("⑴信访举报投诉类申请") == "信访举报投诉类申请"


def test_truncated_and_annotated_labels_match_their_codebook_row():
    assert matches("本年新", "本年新制作数量") is False  # too short to stand for a row
    assert matches("本年新制作", "本年新制作数量")  # a truncated header cell
    assert matches("其他主动公开文件（说明）", "其他主动公开文件")
