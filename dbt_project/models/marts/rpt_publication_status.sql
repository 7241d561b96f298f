-- One row per expected body (dim_expected_bodies) and report year: whether its report was found, on time,
-- parsable, conforming to its template and arithmetically clean. Each stage implies the stages before it.
-- Incremental by body: a run rewrites the rows of the bodies in int_changes__expected_bodies.
{{ config(pre_hook="{{ delete_scope('body_id', 'int_changes__expected_bodies', 'body_id') }}") }}
with expected as (
    select * from {{ ref('dim_expected_bodies') }}
    where body_id in (select body_id from {{ ref('int_changes__expected_bodies') }})
),

reports as (
    select * from {{ ref('dim_reports') }}
),

quality as (
    select * from {{ ref('rpt_report_quality') }}
),

rules as (
    select * from {{ ref('stg_reference__rules') }}
),

-- the publishers' identities: rules whose formula compares figures within a table or across years
arithmetic_rules as (
    select rule_id
    from rules
    where rule_scope not in ('report', 'structure', 'text_vs_table', 'figures')
        and regexp_matches(formula, '[=<>]')
),

arithmetic_failures as (
    select report_id, count(distinct rule_id) as n_arithmetic_rules_failed,
        string_agg(distinct rule_id, ',' order by rule_id) as arithmetic_rules_failed
    from {{ ref('rpt_rule_failures') }}
    where rule_id in (select rule_id from arithmetic_rules)
    group by report_id
),

joined as (
    select
        expected.*,
        reports.report_id,
        reports.template,
        reports.published_date,
        reports.deadline_date,
        reports.days_late,
        reports.is_on_time,
        reports.file_format,
        reports.chosen_source_path as source_path,
        quality.conformance,
        quality.n_rows_expected,
        quality.n_rows_present,
        coalesce(arithmetic_failures.n_arithmetic_rules_failed, 0) as n_arithmetic_rules_failed,
        arithmetic_failures.arithmetic_rules_failed
    from expected
    left join reports
        on reports.agency_id = expected.agency_id
        and reports.report_year = expected.report_year
    left join quality on quality.report_id = reports.report_id
    left join arithmetic_failures on arithmetic_failures.report_id = reports.report_id
),

stages as (
    select
        *,
        report_id is not null as is_found,
        report_id is not null and coalesce(is_on_time, false) as is_found_on_time,
        -- parsable: the statistics tables of a template era were read (a prose-only report has none)
        report_id is not null and coalesce(n_rows_present, 0) > 0 as is_parsable_report,
        report_id is not null and coalesce(conformance, 0) >= 1 as is_conforming_report
    from joined
),

final as (
    select
        body_id,
        agency_id,
        body_name,
        region_code,
        province,
        city,
        county,
        level,
        kind_of_body,
        report_year,
        expected_because,
        is_in_region_table,
        first_report_year,
        last_report_year,
        report_id,
        template,
        file_format,
        source_path,
        published_date,
        deadline_date,
        days_late,
        conformance,
        n_arithmetic_rules_failed,
        arithmetic_rules_failed,
        ---------- the funnel, each stage within the one before
        is_found,
        is_found_on_time as is_on_time,
        is_found_on_time and is_parsable_report as is_parsable,
        is_found_on_time and is_parsable_report and is_conforming_report as is_conforming,
        is_found_on_time and is_parsable_report and is_conforming_report and n_arithmetic_rules_failed = 0
            as is_arithmetic_clean,
        ---------- what a 政务公开 office follows up
        case
            when not is_found then 'missing'
            when is_on_time is null then 'no_date'
            when not is_on_time and days_late > 0 then 'late'
            when not is_on_time then 'early'
            else 'on_time'
        end as publication_status
    from stages
)

select * from final
