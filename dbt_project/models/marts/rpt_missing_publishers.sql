-- One row per expected body and report year whose report is missing, late, early or undated: what a 政务公开
-- office follows up, with the body's publishing history.
-- Incremental by body: a run rewrites the rows of the bodies in int_changes__expected_bodies.
{{ config(pre_hook="{{ delete_scope('body_id', 'int_changes__expected_bodies', 'body_id') }}") }}
with status as (
    select * from {{ ref('rpt_publication_status') }}
    where body_id in (select body_id from {{ ref('int_changes__expected_bodies') }})
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
