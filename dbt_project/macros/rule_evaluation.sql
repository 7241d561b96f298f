{#- How a compiled rule instance is decided (nianbao.rules.evaluate), for the models that evaluate the catalogue
    (int_rule_residuals__per_report, int_rule_failures__cross_year): in a group of one row per printed cell of an
    instance. -#}

{#- The sum of one side (lhs or rhs) of the instance: a term written `- x` counts negatively, a blank cell 0. -#}
{% macro rule_side_sum(side_column, sign, value, side) -%}
    coalesce(sum({{ sign }} * {{ value }}) filter (where {{ side_column }} = '{{ side }}'), 0)
{%- endmacro %}

{#- Whether the instance is decided (a having clause): any_cell unless every cell is blank or absent; each_side
    when each side has a printed cell; every_cell when every cell of it is printed. -#}
{% macro rule_is_decided(evaluated_when, side_column, value, n_cells) -%}
    case {{ evaluated_when }}
        when 'each_side' then count(*) filter (where {{ side_column }} = 'lhs') > 0
            and count(*) filter (where {{ side_column }} = 'rhs') > 0
        when 'every_cell' then count(*) = max({{ n_cells }})
        else count({{ value }}) > 0
    end
{%- endmacro %}

{#- Whether a residual (lhs - rhs) lies within the bounds of the instance's relation and tolerance
    (nianbao.rules.holds); 1e-9: float noise. -#}
{% macro rule_holds(residual, lower_bound, upper_bound) -%}
    ({{ lower_bound }} is null or {{ residual }} >= {{ lower_bound }} - 1e-9)
    and ({{ upper_bound }} is null or {{ residual }} <= {{ upper_bound }} + 1e-9)
{%- endmacro %}
