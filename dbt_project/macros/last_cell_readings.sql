{#- The mapped cells of the given reports (a SQL query of report_id), one row per report and cell: its last reading,
    as the extractor's dict of cells keeps it. -#}
{% macro last_cell_readings(report_ids) -%}
    select *
    from {{ ref('stg_annual_reports__figures') }}
    where is_mapped and report_id in ({{ report_ids }})
    qualify row_number() over (
        partition by report_id, table_code, row_code, column_code order by figure_seq desc
    ) = 1
{%- endmacro %}
