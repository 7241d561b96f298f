-- One row per report whose source content is at a current path, with its canonical body and the facts the
-- de-duplication ranks on (figure and finding counts, file format). Only the reports this run rebuilds
-- (int_changes__reports: every report on a full build), so every model downstream does work proportional to them.
{{ config(materialized='table') }}
with scope as (
    select * from {{ ref('int_changes__reports') }}
),

reports as (
    select * from {{ ref('stg_annual_reports__reports') }}
    where report_id in (select report_id from scope)
),

agencies as (
    select * from {{ ref('int_agencies__canonicalized') }}
),

current_sources as (
    select
        source_sha256,
        min(source_path) as source_path,
        min(file_format) as file_format,
        count(*) as n_copies
    from {{ ref('stg_annual_reports__documents') }}
    where is_current and extract_status = 'ok'
        and source_sha256 in (select report_id from scope)
    group by source_sha256
),

figure_counts as (
    select
        report_id,
        count(*) as n_figures,
        count(value) as n_figures_with_value,
        count(value) filter (where is_mapped) as n_mapped_values,
        count(*) filter (where not is_mapped) as n_figures_unmapped,
        count(*) filter (where page is not null or table_index is not null or char_start is not null)
            as n_figures_located
    from {{ ref('stg_annual_reports__figures') }}
    where report_id in (select report_id from scope)
    group by report_id
),

finding_counts as (
    select
        report_id,
        count(*) as n_findings,
        count(*) filter (where severity = 'error') as n_error_findings
    from {{ ref('stg_annual_reports__findings') }}
    where report_id in (select report_id from scope)
    group by report_id
),

final as (
    select
        ---------- ids
        reports.report_id,
        reports.source_sha256,
        current_sources.source_path,
        current_sources.n_copies,
        current_sources.file_format,
        ---------- body
        agencies.agency_id,
        agencies.agency_name,
        reports.agency_name as agency_name_printed,
        agencies.kind_of_body,
        reports.province,
        reports.city,
        reports.county,
        reports.region_code,
        ---------- report
        reports.report_year,
        reports.template,
        reports.template_era,
        reports.published_date,
        reports.deadline_date,
        reports.parser_version,
        reports.extracted_at,
        ---------- counts
        coalesce(figure_counts.n_figures, 0) as n_figures,
        coalesce(figure_counts.n_figures_with_value, 0) as n_figures_with_value,
        coalesce(figure_counts.n_mapped_values, 0) as n_mapped_values,
        coalesce(figure_counts.n_figures_unmapped, 0) as n_figures_unmapped,
        coalesce(figure_counts.n_figures_located, 0) as n_figures_located,
        coalesce(finding_counts.n_findings, 0) as n_findings,
        coalesce(finding_counts.n_error_findings, 0) as n_error_findings
    from reports
    inner join current_sources on reports.source_sha256 = current_sources.source_sha256
    inner join agencies
        on agencies.agency_name_printed is not distinct from reports.agency_name
        and agencies.region_code is not distinct from reports.region_code
        and agencies.province is not distinct from reports.province
        and agencies.city is not distinct from reports.city
        and agencies.county is not distinct from reports.county
    left join figure_counts on reports.report_id = figure_counts.report_id
    left join finding_counts on reports.report_id = finding_counts.report_id
)

select * from final
