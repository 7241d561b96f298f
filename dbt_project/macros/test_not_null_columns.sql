{#- Generic test: none of `columns` is null, one test per model (a test per column cost a dbt node and three Dagster
    events, about a second of a one-report run for seventy columns). Each failing row says which of its columns are
    null (`null_columns`). -#}
{% test not_null_columns(model, columns) %}
select
    concat_ws(', '
        {%- for column in columns %}, case when {{ adapter.quote(column) }} is null then '{{ column }}' end{% endfor -%}
    ) as null_columns,
    *
from {{ model }}
where {% for column in columns %}{{ adapter.quote(column) }} is null{{ ' or ' if not loop.last }}{% endfor %}
{% endtest %}
