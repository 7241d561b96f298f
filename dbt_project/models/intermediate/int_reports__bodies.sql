-- One row per parsed report (current or not) with its canonical body, year, template and publication date: who a
-- report belongs to, and where X_COPY's order of publication puts it.
{{ config(materialized='table') }}  -- read by three models in a run (the changes and the state): computed once
with reports as (
    select * from {{ ref('stg_annual_reports__reports') }}
),

agencies as (
    select * from {{ ref('int_agencies__canonicalized') }}
),

final as (
    select
        reports.report_id,
        agencies.agency_id,
        reports.report_year,
        reports.template,
        reports.published_date
    from reports
    inner join agencies
        on agencies.agency_name_printed is not distinct from reports.agency_name
        and agencies.region_code is not distinct from reports.region_code
        and agencies.province is not distinct from reports.province
        and agencies.city is not distinct from reports.city
        and agencies.county is not distinct from reports.county
)

select * from final
