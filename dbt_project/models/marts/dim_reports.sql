-- One row per report whose source file is currently under NIANBAO_RAW_DIR.
with reports as (
    select * from {{ ref('stg_annual_reports__reports') }}
),

current_sources as (
    select
        source_sha256,
        min(source_path) as source_path,
        count(*) as n_copies
    from {{ ref('stg_annual_reports__documents') }}
    where is_current and extract_status = 'ok'
    group by source_sha256
),

figure_counts as (
    select
        report_id,
        count(*) as n_figures,
        count(value) as n_figures_with_value,
        count(*) filter (where not is_mapped) as n_figures_unmapped
    from {{ ref('stg_annual_reports__figures') }}
    group by report_id
),

finding_counts as (
    select
        report_id,
        count(*) as n_findings,
        count(*) filter (where severity = 'error') as n_error_findings
    from {{ ref('stg_annual_reports__findings') }}
    group by report_id
),

final as (
    select
        ---------- ids
        reports.report_id,
        reports.source_sha256,
        current_sources.source_path,
        current_sources.n_copies,
        ---------- publisher
        reports.agency_name,
        reports.province,
        reports.city,
        reports.county,
        reports.region_code,
        ---------- report
        reports.report_year,
        reports.template,
        reports.published_date,
        reports.parser_version,
        reports.extracted_at,
        ---------- counts
        coalesce(figure_counts.n_figures, 0) as n_figures,
        coalesce(figure_counts.n_figures_with_value, 0) as n_figures_with_value,
        coalesce(figure_counts.n_figures_unmapped, 0) as n_figures_unmapped,
        coalesce(finding_counts.n_findings, 0) as n_findings,
        coalesce(finding_counts.n_error_findings, 0) as n_error_findings
    from reports
    inner join current_sources on reports.source_sha256 = current_sources.source_sha256
    left join figure_counts on reports.report_id = figure_counts.report_id
    left join finding_counts on reports.report_id = finding_counts.report_id
)

select * from final
