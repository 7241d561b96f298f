-- One row per body expected to publish an annual report, whatever the year: every county-or-higher government of
-- the 行政区划 table (dim_regions), standing for its place, and every body that published. The years come in
-- dim_expected_bodies.
with regions as (
    select * from {{ ref('dim_regions') }}
),

agencies as (
    select * from {{ ref('dim_agencies') }}
),

-- a published body that is the government of a 行政区划 place stands for that place's row
published_bodies as (
    select
        agencies.*,
        regions.region_code as government_of_region
    from agencies
    left join regions
        -- equalities only (a government's region code, else null): a hash join; with `kind_of_body = 'government'`
        -- as a condition of its own DuckDB joined the 94,000 bodies to the regions by nested loop (0.5 s, twice a run)
        on (case when agencies.kind_of_body = 'government' then agencies.region_code end) = regions.region_code
        and agencies.level = regions.level
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
)

select * from bodies
