-- Nothing lost between raw and marts (blocking, table-wide, in SQL): every current file of raw.documents is a row
-- of marts.dim_report_files and every parsed current report a row of marts.rpt_report_quality, and no more.
{{ config(severity='error', meta={'dagster': {'ref': {'name': 'dim_report_files'}}}) }}
with current_files as (
    select {{ raw_relative_path('path') }} as source_path from {{ source('raw', 'documents') }} where is_current
),

current_reports as (
    select distinct sha256 as report_id
    from {{ source('raw', 'documents') }}
    where is_current and status = 'ok'
        and sha256 in (select report_id from {{ source('raw', 'reports') }})
),

files as (
    (select source_path, 'missing from dim_report_files' as problem from current_files
     except select source_path, 'missing from dim_report_files' from {{ ref('dim_report_files') }})
    union all
    (select source_path, 'not a current file' from {{ ref('dim_report_files') }}
     except select source_path, 'not a current file' from current_files)
),

reports as (
    (select report_id, 'missing from rpt_report_quality' as problem from current_reports
     except select report_id, 'missing from rpt_report_quality' from {{ ref('rpt_report_quality') }})
    union all
    (select report_id, 'not a current report' from {{ ref('rpt_report_quality') }}
     except select report_id, 'not a current report' from current_reports)
)

select source_path as item, problem from files
union all
select report_id, problem from reports
