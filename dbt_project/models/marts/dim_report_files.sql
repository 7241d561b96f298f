-- One row per current file under NIANBAO_RAW_DIR: the body and year its report belongs to, whether it is the
-- chosen file of that body-year, and why (or why not). Files that failed extraction are listed too.
{{ config(pre_hook="{{ delete_scope('source_sha256') }}") }}
-- depends_on: {{ ref('int_changes__reports') }}
with ranked as (
    select * from {{ ref('int_report_files__ranked') }}
),

chosen as (
    select * from ranked where choice_rank = 1
),

deduplicated as (
    select report_id, choice_reason from {{ ref('int_reports__deduplicated') }}
),

failed as (
    select * from {{ ref('stg_annual_reports__documents') }}
    where is_current and extract_status <> 'ok'
        and source_sha256 in (select report_id from {{ ref('int_changes__reports') }})
),

parsed_files as (
    select
        ranked.source_path,
        ranked.source_sha256,
        ranked.report_id,
        ranked.agency_id,
        ranked.agency_name,
        ranked.report_year,
        ranked.template,
        ranked.file_format,
        'ok' as extract_status,
        ranked.published_date,
        ranked.n_mapped_values,
        ranked.n_error_findings,
        ranked.choice_rank,
        ranked.n_candidate_files,
        ranked.choice_rank = 1 as is_chosen,
        case
            when ranked.choice_rank = 1 then 'chosen: ' || deduplicated.choice_reason
            else 'not chosen, the chosen file ranks first: ' || {{ choice_criterion('chosen', 'ranked') }}
        end as choice_reason
    from ranked
    inner join chosen
        on ranked.agency_id = chosen.agency_id
        and ranked.report_year = chosen.report_year
    left join deduplicated on ranked.report_id = deduplicated.report_id and ranked.choice_rank = 1
),

failed_files as (
    select
        source_path,
        source_sha256,
        cast(null as varchar) as report_id,
        cast(null as varchar) as agency_id,
        cast(null as varchar) as agency_name,
        cast(null as integer) as report_year,
        cast(null as varchar) as template,
        file_format,
        extract_status,
        cast(null as date) as published_date,
        cast(null as bigint) as n_mapped_values,
        cast(null as bigint) as n_error_findings,
        cast(null as bigint) as choice_rank,
        cast(null as bigint) as n_candidate_files,
        false as is_chosen,
        'not chosen: extraction failed (' || coalesce(error_kind, 'unknown error') || ')' as choice_reason
    from failed
)

select * from parsed_files
union all
select * from failed_files
