-- One row per publishing body as printed (agency name and region as the parser read them), with its canonical body.
with reports as (
    select * from {{ ref('stg_annual_reports__reports') }}
),

printed as (
    select distinct
        agency_name as agency_name_printed,
        region_code,
        province,
        city,
        county
    from reports
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
        {{ kind_of_body('agency_name') }} as kind_of_body
    from canonical
)

select * from final
