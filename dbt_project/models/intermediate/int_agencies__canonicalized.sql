-- One row per publishing body as printed (agency name and region as the parser read them), with its canonical body.
{{ config(materialized='table') }}  -- read by four models in a run: as a view its 150,000 names were canonicalized four times (~0.5 s each at 150,000 reports)
with reports as (
    select * from {{ ref('stg_annual_reports__reports') }}
),

printed as (
    select
        agency_name as agency_name_printed,
        region_code,
        province,
        city,
        county,
        -- the kind follows from the printed name alone (nianbao.bodies.kind_of_body, computed by the extractor)
        min(kind_of_body) as kind_of_body
    from reports
    group by all
),

canonical as (
    select
        *,
        coalesce({{ canonical_agency_name('agency_name_printed', 'county', 'city') }}, '(unknown agency)')
            as agency_name
    from printed
),

final as (
    select
        md5(agency_name || '|' || coalesce(region_code, '')) as agency_id,
        agency_name,
        agency_name_printed,
        region_code,
        province,
        city,
        county,
        kind_of_body
    from canonical
)

select * from final
