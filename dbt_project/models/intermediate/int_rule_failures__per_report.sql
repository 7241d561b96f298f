-- One row per extractor finding (raw.findings) of a current report and cell involved (its `cells` JSON exploded;
-- one row with empty cell columns when the finding names no cell).
{{ config(materialized='table') }}
with findings as (
    select * from {{ ref('stg_annual_reports__findings') }}
    where report_id in (select report_id from {{ ref('int_changes__reports') }})
),

reports as (
    select report_id from {{ ref('int_reports__current') }}
),

exploded as (
    select
        findings.report_id,
        findings.finding_seq,
        findings.rule_id,
        findings.severity,
        findings.message,
        unnest(
            case
                when json_array_length(findings.cells_json::json) > 0
                    then json_extract(findings.cells_json::json, '$[*]')
                else [null::json]
            end
        ) as cell
    from findings
    inner join reports on findings.report_id = reports.report_id
),

final as (
    select
        md5('finding|' || report_id || '|' || finding_seq) as failure_id,
        rule_id,
        severity,
        report_id,
        cast(null as varchar) as related_report_id,
        message,
        case when cell is not null then report_id end as cell_report_id,
        cell ->> 'table' as table_code,
        cell ->> 'row' as row_code,
        cell ->> 'column' as column_code,
        try_cast(cell ->> 'value' as double) as value,
        try_cast(cell -> 'location' ->> 'page' as integer) as page,
        try_cast(cell -> 'location' ->> 'table_index' as integer) as table_index,
        try_cast(cell -> 'location' ->> 'row_index' as integer) as row_index,
        try_cast(cell -> 'location' ->> 'column_index' as integer) as column_index,
        try_cast(cell -> 'location' -> 'char_span' ->> 0 as bigint) as char_start,
        try_cast(cell -> 'location' -> 'char_span' ->> 1 as bigint) as char_end
    from exploded
)

select * from final
