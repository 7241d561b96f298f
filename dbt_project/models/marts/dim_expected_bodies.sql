-- One row per body expected to publish an annual report and report year: every county-or-higher government of
-- the 行政区划 table (dim_regions), every body that published in an earlier year, and every body that published
-- this year. Years run from the first to the last report year in the warehouse.
-- Incremental by body: a run rewrites the rows of the bodies in int_changes__expected_bodies (every body when the
-- range of years or the 行政区划 table changed).
{{ config(pre_hook="{{ delete_scope('body_id', 'int_changes__expected_bodies', 'body_id') }}") }}
with bodies as (
    select * from {{ ref('int_expected_bodies__bodies') }}
    where body_id in (select body_id from {{ ref('int_changes__expected_bodies') }})
),

reports as (
    select * from {{ ref('dim_reports') }}
),

years as (
    select unnest(range(min(report_year), max(report_year) + 1)) as report_year
    from reports
),

first_last as (
    select agency_id, min(report_year) as first_report_year, max(report_year) as last_report_year,
        count(*) as n_years_published
    from reports
    group by agency_id
),

body_years as (
    select
        bodies.*,
        years.report_year,
        first_last.first_report_year,
        first_last.last_report_year,
        coalesce(first_last.n_years_published, 0) as n_years_published
    from bodies
    cross join years
    left join first_last on first_last.agency_id = bodies.agency_id
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
        is_in_region_table,
        coalesce(first_report_year < report_year, false) as published_before,
        case
            when is_in_region_table then 'region_table'
            when first_report_year < report_year then 'published_before'
            else 'published_this_year'
        end as expected_because,
        first_report_year,
        last_report_year,
        n_years_published
    from body_years
    -- a body outside the 行政区划 table is expected from the first year it published
    where is_in_region_table or first_report_year <= report_year
)

select * from final
