-- One row per expected body and report year whose report is missing, late, early or undated: what a 政务公开
-- office follows up, with the body's publishing history.
-- A table rebuilt whole each run (not an incremental mart): it ranges over every body and year, not over the
-- reports a run changed.
{{ config(materialized='table') }}
with status as (
    select * from {{ ref('rpt_publication_status') }}
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
        publication_status,
        expected_because,
        first_report_year,
        last_report_year,
        report_id,
        published_date,
        deadline_date,
        days_late,
        source_path
    from status
    where publication_status <> 'on_time'
)

select * from final
