{#- X_COPY's fingerprint of a report's statistics tables (表二/表三/表四, the 统计表): every mapped cell and its value
    (blank = 0), in code order, hashed. `cells` has report_id, table_code, row_code, column_code, value_or_zero. -#}
{% macro statistics_tables() -%}
    ('t2_proactive', 't3_applications', 't4_review_litigation', 'legacy_stats')
{%- endmacro %}

{% macro tables_fingerprint(cells) -%}
    select
        report_id,
        md5(string_agg(table_code || '.' || row_code || '.' || column_code || '=' || value_or_zero, ';'
                       order by table_code, row_code, column_code)) as tables_fingerprint,
        count(*) as n_cells,
        count(*) filter (where value_or_zero <> 0) as n_nonzero_cells
    from {{ cells }}
    group by report_id
{%- endmacro %}
