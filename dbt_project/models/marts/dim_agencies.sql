-- One row per canonical body (canonical agency name + region code): region, administrative level, kind of body.
{{ config(pre_hook="{{ delete_scope('agency_id', 'int_changes__bodies', 'agency_id') }}") }}
-- depends_on: {{ ref('int_changes__bodies') }}
with printed as (
    select * from {{ ref('int_agencies__canonicalized') }}
    where agency_id in (select agency_id from {{ ref('int_changes__bodies') }})
),

bodies as (
    select
        agency_id,
        any_value(agency_name) as agency_name,
        any_value(region_code) as region_code,
        -- deterministic whatever the scan order (the incremental path must equal a full rebuild):
        -- the printed name equal to the canonical one decides, then the alphabetically first
        first(province order by agency_name_printed <> agency_name, agency_name_printed) as province,
        first(city order by agency_name_printed <> agency_name, agency_name_printed) as city,
        first(county order by agency_name_printed <> agency_name, agency_name_printed) as county,
        first(kind_of_body order by agency_name_printed <> agency_name, agency_name_printed) as kind_of_body,
        count(distinct agency_name_printed) as n_printed_names,
        string_agg(distinct agency_name_printed, ' | ' order by agency_name_printed) as printed_names
    from printed
    group by agency_id
),

final as (
    select
        agency_id,
        agency_name,
        region_code,
        province,
        city,
        county,
        case
            when kind_of_body in ('township', 'street_office') then 'township'
            when region_code is null and (agency_name like '国务院%' or regexp_matches(agency_name, '(部|委员会|总局|署)$'))
                then 'national'
            when region_code is null then null
            when region_code like '%0000' then 'provincial'
            when regexp_matches(agency_name, '^.{2,8}(省|自治区)(人民政府|.{1,12}厅)')
                and not regexp_matches(agency_name, '(市|县|区|旗)') then 'provincial'
            when region_code like '%00' then 'prefecture'
            else 'county'
        end as level,
        kind_of_body,
        n_printed_names,
        printed_names
    from bodies
)

select * from final
