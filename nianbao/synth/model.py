"""The specification of one synthetic report: who, when, which template, every figure and how it is printed."""

from dataclasses import dataclass, field
from datetime import date

from nianbao import eras

Key = tuple[str, str, str]  # (table, row, column) codes of codebook.csv

TABLE_TEMPLATES = eras.with_tables()  # spec/eras.csv
TEMPLATES = eras.templates()


@dataclass(slots=True)
class Region:
    """Where the agency sits: names as the gazetteer prints them and the 6-digit 行政区划 code."""

    province: str
    city: str | None
    county: str | None
    code: str


@dataclass(slots=True)
class Layout:
    """How the report is flattened to text: a style name, the quirks applied, the byte encoding."""

    style: str = "tab"  # tab | pipe | lines | mixed (see layouts.py)
    quirks: frozenset[str] = frozenset()  # see layouts.QUIRKS
    encoding: str = "utf-8"  # utf-8 | utf-8-sig | gb18030 | gb18030-bom | gbk
    blank_line_paragraphs: bool = True  # paragraphs separated by an empty line
    split_header_words: bool = True  # multi-paragraph header cells ("商业\n企业")
    vertical_text: bool = True  # the merged 三、本年度办理结果 cell printed one character a line
    fullwidth_parens: bool = True  # （一） rather than (一) in the 统计表 labels
    page_number: int = 3  # the "- N -" page-break line of quirk page_break


@dataclass
class ReportSpec:
    """One annual report: metadata, figures (None = printed blank), printed overrides, prose and violations."""

    agency: str
    region: Region
    report_year: int
    template: str
    published_on: date | None = None
    agency_aliases: list[str] = field(default_factory=list)
    published_also: list[date] = field(default_factory=list)  # other accepted dates (header vs closing date)
    figures: dict[Key, int | float | None] = field(default_factory=dict)
    raw: dict[Key, str] = field(default_factory=dict)  # printed text when not str(value)
    missing_rows: set[tuple[str, str]] = field(default_factory=set)  # (table, row) left out (rule S1)
    header_values: dict[str, tuple[str, str]] = field(
        default_factory=dict
    )  # 统计表 section label -> (单位 cell, 统计数 cell)
    unit_column_values: set[str] = field(default_factory=set)  # 统计表 rows whose value is printed in the 单位 column
    variant: str = "national"  # national | hubei (表二 extra row, annotated labels)
    hubei_extra: tuple = (0, 0, 0)  # values of the Hubei row 其他主动公开文件
    body: list[tuple[str, str]] = field(default_factory=list)  # ("p", text) | ("h", heading) | ("table", table code)
    prose_metrics: dict[str, tuple[int | float, bool]] = field(default_factory=dict)  # row -> (value, approximate)
    violations: list[str] = field(default_factory=list)
    protect: set[Key] = field(default_factory=set)  # cells of a broken rule: printed, never blank
    r8_metric: str | None = None  # the prose metric that contradicts the table
    expected_findings: list[str] = field(default_factory=list)
    layout: Layout = field(default_factory=Layout)
    file: str = ""
    # real-world phenomena (nianbao.synth.phenomena); empty for the classic corpus
    phenomena: list[str] = field(default_factory=list)
    sentences: dict[str, str] = field(default_factory=dict)  # metric -> the prose sentence that states it
    label_override: dict[tuple[str, str], str] = field(default_factory=dict)  # (table, row) -> printed label
    row_order: dict[str, list[str]] = field(default_factory=dict)  # table -> printed order of its row codes
    column_order: tuple[str, ...] = ()  # 表三 法人或其他组织 columns as printed
    extra_rows: list[tuple[str, str, str, list[str]]] = field(default_factory=list)  # (table, after row, label, cells)
    extra_cells: dict[Key, int | float | None] = field(default_factory=dict)  # coded cells of no template row
    doubtful: set[Key] = field(default_factory=set)  # cells the text cannot decide (fused digits)
    fused: dict[tuple[str, str], frozenset[int]] = field(
        default_factory=dict
    )  # (table, row) -> cell boundaries run together
    page: dict[str, str] = field(default_factory=dict)  # metadata carried by the container, not the text
    region_in_text: bool = True  # False: the text names no place above the body
    container: str = ""  # a format the phenomena require (txt | html)

    def printed(self, key: Key) -> str:
        """The text of a cell as the report prints it."""
        if key in self.raw:
            return self.raw[key]
        v = self.figures.get(key)
        return "" if v is None else fmt_number(v)

    def printed_extra(self, key: Key) -> str:
        """The text of a coded cell of no template row (the 2019 （六）其他处理 row of a 2021 hybrid)."""
        if key in self.raw:
            return self.raw[key]
        v = self.extra_cells.get(key)
        return "" if v is None else fmt_number(v)


def fmt_number(v: int | float) -> str:
    """A number as an agency types it: integers plain, decimals without trailing zeros."""
    if isinstance(v, float) and not v.is_integer():
        return f"{v:.4f}".rstrip("0").rstrip(".")
    return str(int(v))
