-- One row per report year, province and administrative level: bodies expected to report, found, on time,
-- parsable, conforming to the template and arithmetically clean (each stage counts bodies that pass it and
-- every stage before it).
-- A table rebuilt whole each run (not an incremental mart): it ranges over every body and year, not over the
-- reports a run changed.
{{ config(materialized='table') }}
with status as (
    select * from {{ ref('rpt_publication_status') }}
),

final as (
    select
        report_year,
        coalesce(province, '（未识别省份）') as province,
        coalesce(level, 'unknown') as level,
        count(*) as n_expected,
        count(*) filter (where is_found) as n_found,
        count(*) filter (where is_on_time) as n_on_time,
        count(*) filter (where is_parsable) as n_parsable,
        count(*) filter (where is_conforming) as n_conforming,
        count(*) filter (where is_arithmetic_clean) as n_arithmetic_clean,
        count(*) filter (where publication_status = 'missing') as n_missing,
        count(*) filter (where publication_status = 'late') as n_late,
        count(*) filter (where is_found) / count(*) as found_rate
    from status
    group by all
)

select * from final
