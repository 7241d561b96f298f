-- One row per failed per-report rule instance of a current report and cell involved. The rules of the catalogue
-- (R1-R4, R8, O1-O8: raw.rule_relations) come from the warehouse's own residuals (int_rule_residuals__per_report),
-- one row per cell of a broken instance with the cell's value and location; every other rule (R9, R12, O10, S1,
-- X9, X_DOUBT) is the extractor's finding (raw.findings, its `cells` JSON exploded; one row with empty cell
-- columns when the finding names no cell).
{{ config(materialized='table') }}
with catalogue_rules as (
    select distinct rule_id from {{ ref('stg_reference__rule_relations') }}
),

findings as (
    select * from {{ ref('stg_annual_reports__findings') }}
    where report_id in (select report_id from {{ ref('int_changes__reports') }})
        and rule_id not in (select rule_id from catalogue_rules)
),

broken as (
    select * from {{ ref('int_rule_residuals__per_report') }}
    where is_reported
),

broken_cells as (
    select
        broken.report_id,
        broken.rule_id,
        broken.instance_id,
        broken.severity,
        broken.message,
        relations.side,
        relations.cell_seq,
        relations.table_code,
        relations.row_code,
        relations.column_code
    from broken
    inner join {{ ref('int_reports__current') }} as current on broken.report_id = current.report_id
    inner join {{ ref('stg_reference__rule_relations') }} as relations
        on broken.instance_id = relations.instance_id and current.template = relations.template
),

located as (
    -- the cell's last reading, for its value and location
    {{ last_cell_readings('select report_id from broken') }}
),

relation_failures as (
    select
        md5('relation|' || broken_cells.report_id || '|' || broken_cells.instance_id) as failure_id,
        broken_cells.rule_id,
        broken_cells.severity,
        broken_cells.report_id,
        cast(null as varchar) as related_report_id,
        broken_cells.message,
        broken_cells.report_id as cell_report_id,
        broken_cells.table_code,
        broken_cells.row_code,
        broken_cells.column_code,
        located.value,
        located.page,
        located.table_index,
        located.row_index,
        located.column_index,
        located.char_start,
        located.char_end
    from broken_cells
    left join located
        on broken_cells.report_id = located.report_id
        and broken_cells.table_code = located.table_code
        and broken_cells.row_code = located.row_code
        and broken_cells.column_code = located.column_code
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
    union all
    select * from relation_failures
)

select * from final
