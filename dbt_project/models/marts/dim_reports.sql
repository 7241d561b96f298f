-- One row per body (canonical agency + region code) and report year: the chosen report, how it was chosen,
-- and whether it was published on time (R12).
{{ config(pre_hook="{{ delete_scope() }}") }}
-- depends_on: {{ ref('int_changes__reports') }}
with deduplicated as (
    select * from {{ ref('int_reports__deduplicated') }}
),

agencies as (
    select * from {{ ref('dim_agencies') }}
),

final as (
    select
        ---------- ids
        deduplicated.report_id,
        deduplicated.agency_id,
        deduplicated.chosen_source_sha256 as source_sha256,
        deduplicated.chosen_source_path as source_path,
        ---------- choice
        deduplicated.chosen_source_sha256,
        deduplicated.chosen_source_path,
        deduplicated.n_candidate_files,
        deduplicated.n_candidate_contents,
        deduplicated.choice_reason,
        deduplicated.n_copies,
        ---------- publisher
        deduplicated.agency_name,
        deduplicated.agency_name_printed,
        agencies.level,
        agencies.kind_of_body,
        deduplicated.province,
        deduplicated.city,
        deduplicated.county,
        deduplicated.region_code,
        ---------- report
        deduplicated.report_year,
        deduplicated.template,
        deduplicated.published_date,
        deduplicated.deadline_date,
        deduplicated.is_on_time,
        deduplicated.days_late,
        deduplicated.file_format,
        deduplicated.parser_version,
        deduplicated.extracted_at,
        ---------- counts
        deduplicated.n_figures,
        deduplicated.n_figures_with_value,
        deduplicated.n_figures_unmapped,
        deduplicated.n_findings,
        deduplicated.n_error_findings
    from deduplicated
    left join agencies on deduplicated.agency_id = agencies.agency_id
)

select * from final
