-- One row per failed rule instance and cell involved: the extractor's per-report findings (raw.findings, cells
-- exploded) and the warehouse's cross-report rules (R5, R6, R7, X_COPY), with body, year and cell locations.
{{ config(pre_hook="{{ delete_scope() }}") }}
-- depends_on: {{ ref('int_changes__reports') }}
with per_report as (
    select *, 'extractor' as detected_by from {{ ref('int_rule_failures__per_report') }}
),

cross_year as (
    select *, 'warehouse' as detected_by from {{ ref('int_rule_failures__cross_year') }}
),

copy_paste as (
    select *, 'warehouse' as detected_by from {{ ref('int_rule_failures__copy_paste') }}
),

rules as (
    select * from {{ ref('stg_reference__rules') }}
),

reports as (
    select * from {{ ref('int_reports__current') }}
),

chosen as (
    select report_id from {{ ref('int_reports__deduplicated') }}
),

unioned as (
    select
        failure_id, rule_id, severity, report_id, related_report_id, message, cell_report_id,
        table_code, row_code, column_code, value, page, table_index, row_index, column_index, char_start, char_end,
        detected_by
    from per_report
    union all
    select
        failure_id, rule_id, cast(null as varchar) as severity, report_id, related_report_id, message, cell_report_id,
        table_code, row_code, column_code, value, page, table_index, row_index, column_index, char_start, char_end,
        detected_by
    from cross_year
    union all
    select
        failure_id, rule_id, cast(null as varchar) as severity, report_id, related_report_id, message, cell_report_id,
        table_code, row_code, column_code, value, page, table_index, row_index, column_index, char_start, char_end,
        detected_by
    from copy_paste
),

final as (
    select
        ---------- the failure
        unioned.failure_id,
        unioned.rule_id,
        coalesce(unioned.severity, rules.severity, 'warning') as severity,
        coalesce(rules.rule_scope, case when unioned.rule_id = 'X_COPY' then 'cross_report' end) as rule_scope,
        coalesce(rules.rule_statement, case when unioned.rule_id = 'X_COPY' then
            'Statistics tables identical, cell for cell and not all zero, to the previous year''s or another body''s'
        end) as rule_statement,
        unioned.message,
        unioned.detected_by,
        ---------- reports
        unioned.report_id,
        unioned.related_report_id,
        reports.agency_id,
        reports.agency_name,
        reports.region_code,
        reports.report_year,
        reports.template,
        reports.source_path,
        unioned.report_id in (select report_id from chosen) as is_chosen,
        ---------- the cell involved
        unioned.cell_report_id,
        unioned.table_code,
        unioned.row_code,
        unioned.column_code,
        unioned.value,
        unioned.page,
        unioned.table_index,
        unioned.row_index,
        unioned.column_index,
        unioned.char_start,
        unioned.char_end
    from unioned
    inner join reports on unioned.report_id = reports.report_id
    left join rules on unioned.rule_id = rules.rule_id
)

select * from final
