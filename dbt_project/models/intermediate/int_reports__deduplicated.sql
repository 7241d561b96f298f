-- One row per body (canonical agency + region code) and report year: the chosen report among the files that
-- publish it, why it was chosen, and its R12 publication deadline.
{{ config(materialized='table') }}
with files as (
    select * from {{ ref('int_report_files__ranked') }}
),

reports as (
    select * from {{ ref('int_reports__current') }}
),

chosen as (
    select * from files where choice_rank = 1
),

runner_up as (
    -- the best file with different content: what the chosen report won against
    select
        files.*,
        row_number() over (partition by files.agency_id, files.report_year order by files.choice_rank) as n
    from files
    inner join chosen
        on files.agency_id = chosen.agency_id
        and files.report_year = chosen.report_year
        and files.source_sha256 <> chosen.source_sha256
),

copies as (
    select agency_id, report_year, count(*) as n_chosen_copies
    from files
    where choice_rank > 1
        and (agency_id, report_year, source_sha256) in (select (agency_id, report_year, source_sha256) from chosen)
    group by agency_id, report_year
),

with_reason as (
    select
        chosen.*,
        {{ choice_criterion('chosen', 'runner_up') }}
            || case
                when coalesce(copies.n_chosen_copies, 0) > 0
                    then '; ' || (copies.n_chosen_copies + 1) || ' byte-identical copies, the first path kept'
                else ''
            end as choice_reason
    from chosen
    left join runner_up
        on chosen.agency_id = runner_up.agency_id
        and chosen.report_year = runner_up.report_year
        and runner_up.n = 1
    left join copies
        on chosen.agency_id = copies.agency_id
        and chosen.report_year = copies.report_year
),

deadlines as (
    select
        with_reason.*,
        reports.deadline_date  -- computed once, by nianbao.bodies.deadline (the extractor's R12 uses it too)
    from with_reason
    inner join reports on with_reason.report_id = reports.report_id
),

final as (
    select
        ---------- ids
        reports.report_id,
        reports.agency_id,
        deadlines.source_sha256 as chosen_source_sha256,
        deadlines.source_path as chosen_source_path,
        deadlines.n_candidate_files,
        deadlines.n_candidate_contents,
        deadlines.choice_reason,
        ---------- body
        reports.agency_name,
        reports.agency_name_printed,
        reports.kind_of_body,
        reports.province,
        reports.city,
        reports.county,
        reports.region_code,
        ---------- report
        reports.report_year,
        reports.template,
        reports.template_era,
        reports.published_date,
        deadlines.deadline_date,
        case
            when reports.published_date is null then null
            else reports.published_date > make_date(reports.report_year, 12, 31)
                and reports.published_date <= deadlines.deadline_date
        end as is_on_time,
        case
            when reports.published_date is null then null
            else greatest(date_diff('day', deadlines.deadline_date, reports.published_date), 0)
        end as days_late,
        reports.file_format,
        reports.parser_version,
        reports.extracted_at,
        ---------- counts
        reports.n_copies,
        reports.n_figures,
        reports.n_figures_with_value,
        reports.n_mapped_values,
        reports.n_figures_unmapped,
        reports.n_findings,
        reports.n_error_findings
    from deadlines
    inner join reports on deadlines.report_id = reports.report_id
)

select * from final
