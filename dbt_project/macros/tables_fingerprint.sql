{#- X_COPY's fingerprint of a report's statistics tables (表二/表三/表四, the 统计表): every mapped cell and its value
    (blank = 0), hashed without regard to order. `cells` has report_id, table_code, row_code, column_code, value_or_zero. -#}
{% macro statistics_tables() -%}
    ('t2_proactive', 't3_applications', 't4_review_litigation', 'legacy_stats')
{%- endmacro %}

{% macro tables_fingerprint(cells) -%}
    select
        report_id,
        -- an order-free digest of the cells 'table.row.column=value': the sum (as HUGEINT) of each cell's lower md5
        -- half, the xor of its upper half and the count. Streaming aggregates only, so DuckDB spills and memory stays
        -- flat at any corpus size (an ordered string_agg, or a sorted list per report, ran out of memory at 150,000
        -- reports under a 2 GB limit).
        md5(sum(md5_number_lower(cell)::hugeint)::varchar || ':' || bit_xor(md5_number_upper(cell))::varchar
            || ':' || count(*)::varchar) as tables_fingerprint,
        count(*) as n_cells,
        count(*) filter (where value_or_zero <> 0) as n_nonzero_cells
    from (
        select report_id, value_or_zero,
            table_code || '.' || row_code || '.' || column_code || '=' || value_or_zero as cell
        from {{ cells }}
    ) as cells
    group by report_id
{%- endmacro %}

{#- X_COPY's order of publication within a group of identical tables: the first is the original, the later ones
    copies. The copy-paste rule and the changes' test of whether a group's original moved both order by it. -#}
{% macro copy_paste_order() -%}
    published_date asc nulls last, report_id asc
{%- endmacro %}

{#- The first published report of each group of identical statistics tables (year, template, fingerprint) among
    `reports`: the group's original in X_COPY's order. -#}
{% macro copy_paste_originals(reports) -%}
    select * from {{ reports }}
    qualify row_number() over (
        partition by report_year, template, tables_fingerprint order by {{ copy_paste_order() }}
    ) = 1
{%- endmacro %}
