{#- Sum of the chosen cells of a report (blank = 0), or null when the report has none of them. -#}
{% macro cell_sum(condition) -%}
    case when count(*) filter (where {{ condition }}) > 0
        then coalesce(sum(value_or_zero) filter (where {{ condition }}), 0) end
{%- endmacro %}
