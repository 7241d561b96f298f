-- One row per report and finding.
with source as (
    select * from {{ source('raw', 'findings') }}
),

renamed as (
    select
        report_id,
        finding_seq,
        rule_id,
        lower(severity) as severity,
        message,
        cells as cells_json
    from source
)

select * from renamed
