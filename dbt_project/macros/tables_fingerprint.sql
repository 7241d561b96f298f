{#- X_COPY's fingerprint of a report's statistics tables (表二/表三/表四, the 统计表): every mapped cell and its value
    (blank = 0), in code order, hashed. `cells` has report_id, table_code, row_code, column_code, value_or_zero. -#}
{% macro statistics_tables() -%}
    ('t2_proactive', 't3_applications', 't4_review_litigation', 'legacy_stats')
{%- endmacro %}

{% macro tables_fingerprint(cells) -%}
    select
        report_id,
        -- the cells in code order joined by ';', as string_agg(... order by table_code, row_code, column_code)
        -- would: an ordered aggregate buffers every group's rows outside DuckDB's spillable hash table
        -- (out of memory at 20,000 reports under a 2 GB limit); a list sorted per report holds the same string
        md5(array_to_string(list_transform(
            list_sort(list({'t': table_code, 'r': row_code, 'c': column_code,
                            's': table_code || '.' || row_code || '.' || column_code || '=' || value_or_zero})),
            cell -> cell.s), ';')) as tables_fingerprint,
        count(*) as n_cells,
        count(*) filter (where value_or_zero <> 0) as n_nonzero_cells
    from {{ cells }}
    group by report_id
{%- endmacro %}
