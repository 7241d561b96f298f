-- One row per mapped cell of a chosen report (one report per body and year), with the body, year and template
-- and the codebook labels of the row and column for the report's era.
{{ config(materialized='table') }}
with figures as (
    select * from {{ ref('stg_annual_reports__figures') }}
    where is_mapped
        and report_id in (select report_id from {{ ref('int_changes__reports') }})
),

reports as (
    select * from {{ ref('int_reports__deduplicated') }}
),

codebook as (
    select * from {{ ref('stg_reference__codebook') }}
),

final as (
    select
        ---------- ids
        figures.report_id,
        reports.agency_id,
        reports.agency_name,
        reports.report_year,
        reports.template,
        ---------- cell
        figures.table_code,
        figures.row_code,
        figures.column_code,
        row_labels.label_zh as row_label_zh,
        row_labels.parent_code as row_parent_code,
        column_labels.label_zh as column_label_zh,
        column_labels.parent_code as column_parent_code,
        coalesce(figures.unit, column_labels.unit, row_labels.unit) as unit,
        ---------- values
        figures.value,
        figures.raw_text,
        figures.value is null as is_blank,
        coalesce(figures.value, 0) as value_or_zero,
        ---------- location
        figures.page,
        figures.table_index,
        figures.row_index,
        figures.column_index,
        figures.char_start,
        figures.char_end
    from figures
    inner join reports on figures.report_id = reports.report_id
    {{ codebook_label_joins('figures', 'codebook', 'reports.template_era') }}
)

select * from final
