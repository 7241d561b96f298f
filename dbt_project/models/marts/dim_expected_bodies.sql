-- One row per body expected to publish an annual report and report year: every county-or-higher government of
-- the 行政区划 table (dim_regions), every body that published in an earlier year, and every body that published
-- this year. Years run from the first to the last report year in the warehouse.
-- A table rebuilt whole each run (not an incremental mart): it ranges over every body and year, not over the
-- reports a run changed.
{{ config(materialized='table') }}
with regions as (
    select * from {{ ref('dim_regions') }}
),

reports as (
    select * from {{ ref('dim_reports') }}
),

agencies as (
    select * from {{ ref('dim_agencies') }}
),

years as (
    select unnest(range(min(report_year), max(report_year) + 1)) as report_year
    from reports
),

-- a published body that is the government of a 行政区划 place stands for that place's row
published_bodies as (
    select
        agencies.*,
        regions.region_code as government_of_region
    from agencies
    left join regions
        on agencies.kind_of_body = 'government'
        and agencies.region_code = regions.region_code
        and agencies.level = regions.level
),

first_last as (
    select agency_id, min(report_year) as first_report_year, max(report_year) as last_report_year,
        count(*) as n_years_published
    from reports
    group by agency_id
),

gazetteer_bodies as (
    select
        coalesce(published_bodies.agency_id, 'region:' || regions.region_code) as body_id,
        published_bodies.agency_id,
        coalesce(published_bodies.agency_name, regions.government_name) as body_name,
        regions.region_code,
        regions.province,
        regions.city,
        regions.county,
        regions.level,
        'government' as kind_of_body,
        true as is_in_region_table
    from regions
    left join published_bodies on published_bodies.government_of_region = regions.region_code
),

other_bodies as (
    select
        agency_id as body_id,
        agency_id,
        agency_name as body_name,
        region_code,
        province,
        city,
        county,
        level,
        kind_of_body,
        false as is_in_region_table
    from published_bodies
    where government_of_region is null
),

bodies as (
    select * from gazetteer_bodies
    union all
    select * from other_bodies
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
