"""How one relation of the catalogue is decided on a report's values: blank is 0 inside a relation, a relation whose
cells are all blank or absent (evaluated_when each_side: whose lhs or rhs has no printed cell; every_cell: one of
whose cells is absent) is not evaluated, and the residual (lhs − rhs) must lie within the tolerance."""

EPS = 1e-9  # float noise: counts are whole, and amounts never enter a relation


def evaluate(values, relation) -> tuple[float, float] | None:
    """(sum of lhs, sum of rhs) from values (a mapping cell -> value or None, a blank printed cell None; absent cells
    read as None; a term written `- x` counts negatively), or None when every cell of the relation is blank or
    absent, or (evaluated_when each_side) when one side has no printed cell, or (every_cell) when a cell is absent."""
    get = values.get
    lv = [get(k) for k in relation.lhs]
    rv = [get(k) for k in relation.rhs]
    when = relation.evaluated_when
    if when == "each_side":
        if not any(k in values for k in relation.lhs) or not any(k in values for k in relation.rhs):
            return None
    elif when == "every_cell":
        if not all(k in values for k in relation.lhs + relation.rhs):
            return None
    elif lv.count(None) == len(lv) and rv.count(None) == len(rv):
        return None
    signs = relation.signs
    if signs:
        n = len(lv)
        return (
            float(sum(s * v for s, v in zip(signs[:n], lv, strict=True) if v)),
            float(sum(s * v for s, v in zip(signs[n:], rv, strict=True) if v)),
        )
    return float(sum(filter(None, lv))), float(sum(filter(None, rv)))


def bounds(relation: str, tolerance: float) -> tuple[float | None, float | None]:
    """Where the residual lhs − rhs may lie: = within ±tolerance, >= above −tolerance, <= below +tolerance."""
    return {"=": (-tolerance, tolerance), ">=": (-tolerance, None), "<=": (None, tolerance)}[relation]


def holds(relation: str, tolerance: float, residual: float) -> bool:
    """Whether a residual (lhs − rhs) lies within the relation's bounds."""
    lo, hi = bounds(relation, tolerance)
    return (lo is None or residual >= lo - EPS) and (hi is None or residual <= hi + EPS)


def fmt(x: float):
    """A sum as a finding prints it: whole numbers without a decimal point, others to 4 places."""
    return int(x) if float(x).is_integer() else round(x, 4)


def message(template: str, left: float, right: float, terms: dict[str, float] | None = None) -> str:
    """A broken relation in words, as the findings and rpt_rule_failures state it: its message with the sums in,
    and (a cross-report rule) each term's value (catalogue.term_values) for its {<term>}."""
    for name, value in (terms or {}).items():
        template = template.replace(f"{{{name}}}", str(fmt(value)))
    return template.replace("{lhs}", str(fmt(left))).replace("{rhs}", str(fmt(right)))
