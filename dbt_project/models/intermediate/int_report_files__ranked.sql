-- One row per current file (path) of a parsed report, ranked within its body and year by the choice rule:
-- status ok; most mapped figures with a value; fewest error findings; text layer before OCR; earliest
-- publication date; smallest sha256 (then the first path, for byte-identical copies).
{{ config(materialized='table') }}
with documents as (
    select * from {{ ref('stg_annual_reports__documents') }}
    where is_current
        and source_sha256 in (select report_id from {{ ref('int_changes__reports') }})
),

reports as (
    select * from {{ ref('int_reports__current') }}
),

files as (
    select
        documents.source_path,
        documents.source_sha256,
        documents.file_format,
        documents.extract_status = 'ok' as is_ok,
        reports.report_id,
        reports.agency_id,
        reports.agency_name,
        reports.report_year,
        reports.template,
        reports.published_date,
        reports.n_mapped_values,
        reports.n_error_findings,
        documents.file_format <> 'image' as is_text_layer
    from documents
    inner join reports on documents.source_sha256 = reports.source_sha256
),

ranked as (
    select
        *,
        row_number() over (
            partition by agency_id, report_year
            order by is_ok desc, n_mapped_values desc, n_error_findings asc, is_text_layer desc,
                published_date asc nulls last, source_sha256 asc, source_path asc
        ) as choice_rank,
        count(*) over (partition by agency_id, report_year) as n_candidate_files,
        count(distinct source_sha256) over (partition by agency_id, report_year) as n_candidate_contents
    from files
)

select * from ranked
