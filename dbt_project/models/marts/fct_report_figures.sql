-- One row per report and table cell (prose metrics included), with labels from the codebook.
{{ config(pre_hook="{{ delete_scope() }}") }}
-- depends_on: {{ ref('int_changes__reports') }}
with figures as (
    select * from {{ ref('stg_annual_reports__figures') }}
    where report_id in (select report_id from {{ ref('int_changes__reports') }})
),

reports as (
    select * from {{ ref('int_reports__current') }}
),

codebook as (
    select * from {{ ref('stg_reference__codebook') }}
),

final as (
    select
        ---------- ids and provenance
        figures.report_id,
        figures.source_sha256,
        reports.source_path,
        figures.figure_seq,
        ---------- report
        reports.agency_name,
        reports.province,
        reports.city,
        reports.county,
        reports.region_code,
        reports.report_year,
        reports.template,
        ---------- cell
        figures.table_code,
        figures.row_code,
        figures.column_code,
        row_labels.label_zh as row_label_zh,
        column_labels.label_zh as column_label_zh,
        coalesce(row_labels.label_zh, '') || case
            when figures.column_code = 'value' or column_labels.label_zh is null then ''
            else ' / ' || column_labels.label_zh
        end as label_zh,
        figures.is_mapped,
        ---------- values
        figures.value,
        figures.raw_text,
        figures.is_approximate,
        figures.value_kind,
        figures.printed_label,
        coalesce(figures.unit, column_labels.unit, row_labels.unit) as unit,
        ---------- location
        figures.page,
        figures.table_index,
        figures.row_index,
        figures.column_index,
        figures.char_start,
        figures.char_end
    from figures
    inner join reports on figures.report_id = reports.report_id
    {{ codebook_label_joins('figures', 'codebook', template_era('reports.template')) }}
)

select * from final
