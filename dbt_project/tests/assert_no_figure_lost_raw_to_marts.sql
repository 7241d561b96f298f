-- Nothing lost between raw and marts (blocking, table-wide, in SQL): every report whose content is at a current
-- path has exactly its raw.figures rows in marts.fct_report_figures. Failing rows: reports whose counts differ.
{{ config(severity='error', meta={'dagster': {'ref': {'name': 'fct_report_figures'}}}) }}
with current_reports as (
    select distinct sha256 as report_id
    from {{ source('raw', 'documents') }}
    where is_current and status = 'ok'
        and sha256 in (select report_id from {{ source('raw', 'reports') }})
),

expected as (
    select report_id, count(*) as n_figures
    from {{ source('raw', 'figures') }}
    where report_id in (select report_id from current_reports)
    group by report_id
),

published as (
    select report_id, count(*) as n_figures
    from {{ ref('fct_report_figures') }}
    group by report_id
)

select
    coalesce(expected.report_id, published.report_id) as report_id,
    expected.n_figures as raw_figures,
    published.n_figures as mart_figures
from expected
full outer join published on expected.report_id = published.report_id
where expected.n_figures is distinct from published.n_figures
