{#- A sum as a finding prints it (nianbao.rules.fmt): whole numbers without a decimal point, others to 4 places. -#}
{% macro rule_number(x) -%}
    case when {{ x }} = round({{ x }}) then cast(cast({{ x }} as bigint) as varchar)
        else cast(round({{ x }}, 4) as varchar) end
{%- endmacro %}
