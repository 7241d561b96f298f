"""The narrative of a report in the style of the seeds: title, sections, the numbers stated in the text, the date."""

import random
from datetime import date

from nianbao import eras

from .check import prose_counterparts
from .model import ReportSpec, fmt_number
from .printing import zh_date, zh_number

FILLER_OVERVIEW = (
    "{y}年，{we}高度重视政府信息公开工作，按照国家、省、市关于政府信息公开工作的部署要求，及时、准确、扎实推进政府信息公开的各项工作，进一步健全制度体系，完善工作机制，不断规范政府信息公开的内容，创新公开形式。",
    "{y}年，{we}认真贯彻落实《中华人民共和国政府信息公开条例》，坚持“以公开为常态、不公开为例外”，围绕中心工作，不断加大政府信息公开力度，政府信息公开工作实现了制度化、规范化、常态化。",
    "根据上级的统一部署和要求，{we}认真开展政府信息公开工作，明确了责任科室和具体负责人员，截至目前，政府信息公开咨询、申请以及答复工作均得到了顺利开展。",
)
FILLER_WORK = (
    "责任明确。领导高度重视，把政府信息公开工作纳入年度工作的重点，一把手负总责，办公室负责信息公开工作的组织和协调，明确1名同志具体负责政府信息公开内容维护等日常工作。",
    "宣传培训到位。组织信息员参加信息公开工作培训{k}次，召开专题会议部署信息公开工作{k2}次，提高依法公开信息的意识和能力。",
    "推进有序。建立健全了《政府信息公开制度》《政府信息公开保密审查制度》《政府信息发布协调制度》等一系列制度，明确了主动公开政府信息的审批流程和依申请公开政府信息的运作流程。",
    "平台建设。充分利用{place}政府门户网站、政务微信公众号等平台，及时发布和更新依法应主动公开的政府信息，方便群众查询。",
    "监督保障。将政府信息公开工作纳入年度目标考核，每季度对政府信息公开情况进行监督检查，对工作不到位的科室责成限期整改。",
    "政府信息管理。严格落实公文公开属性源头认定机制，对拟公开的政府信息依法依规进行保密审查，全年未发生泄密事件。",
)
FILLER_PROBLEMS = (
    "{y}年，{we}政府信息公开工作取得了一定成效，但仍存在一些问题：一是公开内容需进一步深化，公开形式需进一步优化；二是长效工作机制需进一步健全完善，工作考核和监督评议等工作仍需加强。",
    "存在的主要问题是：受人员编制所限，从事政府信息公开具体工作的为兼职人员，不利于政府信息公开工作的深入开展；对政府信息公开的新要求需要进一步学习和落实。",
)
FILLER_IMPROVE = (
    "下一步，我们将进一步加强日常管理，明确工作职责，在规定的政府信息公开范围内，及时发布和更新依法应主动公开的政府信息，并做好依申请公开答复工作。",
    "一是进一步健全政府信息公开工作机制；二是进一步丰富公开方式，加强政务公开栏等基础设施建设；三是加强业务培训，不断提高政府信息公开工作的质量和水平。",
)
PROSE_SECTIONS = {
    "six": (
        "一、概述",
        "二、主动公开政府信息情况",
        "三、依申请公开政府信息和不予公开政府信息情况",
        "四、因政府信息公开申请行政复议、提起行政诉讼的情况",
        "五、政府信息公开的收费及减免情况",
        "六、政府信息公开工作存在的主要问题及改进情况",
    ),
    "eight": (
        "一、基本工作情况",
        "二、主动公开政府信息的情况",
        "三、依申请公开政府信息情况",
        "四、行政复议诉讼和举报投诉情况",
        "五、政府信息公开的收费及减免情况",
        "六、存在的问题及改进情况",
    ),
    "shandong": (
        "一、概述",
        "二、主动公开政府信息情况",
        "三、依申请公开政府信息情况",
        "四、因政府信息公开申请提起行政复议、行政诉讼的情况",
        "五、政府信息公开的收费及减免情况",
        "六、政府信息公开工作存在的主要问题及改进情况",
    ),
}
T19_HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)


def we(spec: ReportSpec) -> str:
    a = spec.agency
    return (
        "我镇"
        if a.endswith(("镇人民政府",))
        else "我乡"
        if a.endswith("乡人民政府")
        else "我办"
        if a.endswith("办事处")
        else "我办"
        if a.endswith("办公室")
        else "我局"
        if a.endswith("局")
        else "我委"
        if a.endswith("委员会")
        else "本机关"
    )


def count_text(rng: random.Random, n: int | float, approx: bool) -> str:
    """A count as written in the text: 66, 42余, 约44, 三 (small numbers now and then in Chinese numerals)."""
    s = fmt_number(n)
    if approx:
        return rng.choice((f"{s}余", f"约{s}", f"{s}多"))
    if isinstance(n, int) and 0 < n < 20 and rng.random() < 0.05:
        return zh_number(n)
    return s


def state_metrics(rng: random.Random, spec: ReportSpec) -> dict[str, str]:
    """Decide which figures the text states and with which values; returns the sentences by metric."""
    y = spec.report_year
    target = prose_counterparts(spec)
    wrong = "R8" in spec.violations
    out: dict[str, str] = {}
    # proactive disclosures
    if rng.random() < 0.85 or (wrong and eras.is_legacy(spec.template)):
        n = int(
            target.get("proactive_disclosed", rng.randint(5, 300) if rng.random() < 0.9 else rng.randint(300, 5000))
        )
        approx = rng.random() < 0.15
        if wrong and eras.is_legacy(spec.template):
            n, approx = max(2 * n, n + 12), rng.random() < 0.5
        spec.prose_metrics["proactive_disclosed"] = (n, approx)
        c = count_text(rng, n, approx)
        out["proactive_disclosed"] = rng.choice(
            (
                f"{y}年，全年主动公开政府信息{c}条。",
                f"{y}年度，{we(spec)}通过政府网站主动公开政府信息{c}条。",
                f"全年主动上报公开政府信息共计{c}条，公开信息内容包括机构职能、政策法规、工作动态、人事信息等内容。",
            )
        )
    # applications
    wrong_one = spec.r8_metric if wrong and not eras.is_legacy(spec.template) else None
    if rng.random() < 0.85 or wrong_one:
        n = int(target.get("applications_received", rng.choice((0, 0, 0, 1, 2, 5))))
        if wrong_one == "applications_received":
            n = n + rng.randint(2, 9)
        spec.prose_metrics["applications_received"] = (n, False)
        out["applications_received"] = (
            rng.choice(
                (
                    f"{y}年度未收到公民、法人和其他组织提出的政府信息公开申请。",
                    f"{y}年，{we(spec)}未收到政府信息公开申请。",
                    f"{y}年度依申请公开0件。",
                )
            )
            if n == 0
            else rng.choice(
                (
                    f"{y}年，共收到政府信息公开申请{count_text(rng, n, False)}件，均已按规定时限答复。",
                    f"全年收到政府信息公开申请{n}件。",
                )
            )
        )
    if rng.random() < 0.85 or wrong_one:
        r = int(target.get("administrative_reviews", 0))
        lit = int(target.get("administrative_litigations", 0))
        if wrong_one == "administrative_reviews":
            r = r + rng.randint(2, 5)
        spec.prose_metrics["administrative_reviews"] = (r, False)
        spec.prose_metrics["administrative_litigations"] = (lit, False)
        out["administrative_reviews"] = (
            rng.choice(
                (
                    f"{y}年度未发生针对本机关有关政府信息公开事务的行政复议、行政诉讼案件。",
                    f"{y}年，没有发生因政府信息公开引起的行政复议、行政诉讼情况。",
                )
            )
            if r == 0 and lit == 0
            else f"{y}年，因政府信息公开工作被申请行政复议{r}件、提起行政诉讼{lit}件。"
        )
    if rng.random() < 0.7:
        fee = 0 if rng.random() < 0.9 or eras.is_legacy(spec.template) else rng.choice((100, 200, 400, 35))
        spec.prose_metrics["fees_collected"] = (fee, False)
        out["fees_collected"] = (
            rng.choice(("不存在收费。", f"{y}年度未收取任何费用。", "政府信息公开工作中未收取任何费用。"))
            if fee == 0
            else f"{y}年度实际收取信息处理费共计{fee}元。"
        )
    return out


def title(rng: random.Random, spec: ReportSpec, short_title: bool) -> str:
    y, a = spec.report_year, spec.agency
    if short_title:
        return rng.choice((f"{a_short(spec)}政府信息公开工作年度报告", f"{a_short(spec)}{y}年政府信息公开年度报告"))
    return rng.choice(
        (
            f"{a}{y}年政府信息公开工作年度报告",
            f"{y}年度{a}政府信息公开工作年度报告",
            f"{a}{y}年度政府信息公开工作年度报告",
            f"{a} {y} 年 政府信息公开工作年度报告",
            f"关于{a}{y}年度政府信息公开工作情况的报告",
        )
    )


def a_short(spec: ReportSpec) -> str:
    """The agency without its place (seed 001/004: 科技局)."""
    a = spec.agency
    for place in (spec.region.county, spec.region.city):
        if place and a.startswith(place):
            return a[len(place) :]
    return a


def date_text(rng: random.Random, d: date) -> str:
    return zh_date(d) if rng.random() < 0.2 else f"{d.year}年{d.month}月{d.day}日"


def write_body(rng: random.Random, spec: ReportSpec) -> None:
    """Fill spec.body (paragraphs, headings, table slots) and spec.prose_metrics."""
    y = spec.report_year
    short_title = rng.random() < 0.1 and a_short(spec) != spec.agency
    place = spec.region.county or spec.region.city or ""
    fill = dict(y=y, we=we(spec), place=place, k=rng.randint(1, 3), k2=rng.randint(1, 3))
    sentences = state_metrics(rng, spec)
    spec.sentences = dict(sentences)
    body: list[tuple[str, str]] = [("p", title(rng, spec, short_title))]
    header_date = spec.published_on is not None and rng.random() < 0.12
    if header_date:
        earlier = date.fromordinal(spec.published_on.toordinal() - rng.choice((0, 0, 1)))
        body.append(("p", f"({earlier.year}年{earlier.month}月{earlier.day}日)"))
        if earlier != spec.published_on:
            spec.published_also.append(earlier)
    r = spec.region
    superior = (r.province + r.city + "人民政府办公室") if not r.county else (r.city + r.county + "人民政府办公室")
    if rng.random() < 0.5:
        superior = (r.city + "人民政府政务公开办公室") if not r.county else (r.county + "人民政府政务公开办公室")
        superior = (r.province if not r.county else r.city) + superior
    notice = f"根据《{superior}关于做好{y}年政府信息公开工作年度报告编制发布工作的通知》要求，"
    intro = (
        f"{notice}本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求，由{spec.agency}编制。"
        f"本报告中所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。"
        f"如对本报告有任何疑问，请与{a_short(spec)}办公室联系（电话：{rng.randint(0, 9999):04d}-{rng.randint(1000000, 8999999)}）。"
    )
    body.append(("p", intro))
    p = lambda text: body.append(("p", text.format(**fill)))  # noqa: E731
    if eras.is_national(spec.template):
        h = list(T19_HEADINGS)
        if rng.random() < 0.15:
            h[0] = "总体情况"
        if rng.random() < 0.3:
            h[3] = "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"
        body.append(("h", h[0]))
        p(rng.choice(FILLER_OVERVIEW))
        p("（一）主动公开。" + sentences.get("proactive_disclosed", "严格按照要求做好主动公开工作。"))
        p("（二）依申请公开。" + sentences.get("applications_received", "依法依规办理政府信息公开申请。"))
        for i, text in enumerate(rng.sample(FILLER_WORK, 3)):
            p(f"（{'三四五'[i]}）" + text)
        body += [
            ("h", h[1]),
            ("table", "t2_proactive"),
            ("h", ("    " if rng.random() < 0.2 else "") + h[2]),
            ("table", "t3_applications"),
            ("h", h[3]),
        ]
        if "administrative_reviews" in sentences and rng.random() < 0.5:
            p(sentences.pop("administrative_reviews"))
        body.append(("table", "t4_review_litigation"))
        body.append(("h", h[4]))
        p(rng.choice(FILLER_PROBLEMS))
        p(rng.choice(FILLER_IMPROVE))
        body.append(("h", h[5]))
        tail = [sentences.pop(k) for k in ("administrative_reviews", "fees_collected") if k in sentences]
        p("".join(tail) or "无其他需要报告的事项。")
    else:
        heads = PROSE_SECTIONS[rng.choice(tuple(PROSE_SECTIONS))]
        body.append(("h", heads[0]))
        p(rng.choice(FILLER_OVERVIEW))
        for text in rng.sample(FILLER_WORK, rng.randint(2, 4)):
            p(text)
        body.append(("h", heads[1]))
        p(sentences.get("proactive_disclosed", "严格按照要求做好主动公开工作，及时更新政府信息公开目录。"))
        body.append(("h", heads[2]))
        p(sentences.get("applications_received", "严格按照规定程序办理政府信息公开申请。"))
        body.append(("h", heads[3]))
        p(sentences.get("administrative_reviews", "依法做好政府信息公开复议诉讼应对工作。"))
        body.append(("h", heads[4]))
        p(sentences.get("fees_collected", "严格执行政府信息公开收费规定。"))
        body.append(("h", heads[5]))
        p(rng.choice(FILLER_PROBLEMS))
        p(rng.choice(FILLER_IMPROVE))
    closing = []
    if rng.random() < 0.5:
        closing.append(("p", " " * rng.choice((0, 20, 30)) + spec.agency))
    if spec.published_on is not None and (not header_date or rng.random() < 0.5):
        closing.append(("p", " " * rng.choice((0, 0, 30)) + date_text(rng, spec.published_on)))
    elif header_date:
        spec.published_on, spec.published_also = (
            spec.published_also[0] if spec.published_also else spec.published_on,
            [],
        )
    if eras.is_legacy(spec.template):
        att = f"{y}年度政府信息公开工作情况统计表"
        body.append(("p", f"附件:{att}"))
        body += closing
        body += [
            ("p", "附件:"),
            ("p", att),
            ("p", f"单位名称:{spec.agency}联系人及电话:{rng.randint(8000000, 8999999)}"),
            ("table", "legacy_stats"),
        ]
    else:
        body += closing
    spec.body = body
