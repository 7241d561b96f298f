-- One row per current report of this run's scope and rule instance of the compiled rule catalogue
-- (raw.rule_relations, from nianbao/spec/rule_relations.csv through nianbao.rules) that the report's cells
-- evaluate: lhs and rhs sums, residual = lhs - rhs, and whether it holds within the instance's bounds. No rule is
-- written here: the instances, their cells, bounds and messages are rows of the catalogue. The evaluation is
-- nianbao.rules.evaluate's: a blank cell counts 0, an instance whose cells are all blank or absent is not
-- evaluated (evaluated_when each_side: one whose lhs or rhs has no printed cell; every_cell: one with a cell
-- absent), a local pre-2019 form gets only
-- the instances across tables (spans_tables); and, as the extractor's findings, a broken instance is not reported
-- when a cell it reads is blank or absent because its row was left out as doubtful (`is_reported`).
{{ config(materialized='table') }}
with reports as (
    select current.report_id, current.template, parsed.template_variant = 'local_form' as is_local_form
    from {{ ref('int_reports__current') }} as current
    inner join {{ ref('stg_annual_reports__reports') }} as parsed on current.report_id = parsed.report_id
    where current.report_id in (select report_id from {{ ref('int_changes__reports') }})
),

relations as (
    select * from {{ ref('stg_reference__rule_relations') }}
),

cells as (
    {{ last_cell_readings('select report_id from reports') }}
),

sums as (
    -- the printed cells of each instance (an absent cell adds nothing, as a blank one)
    select
        reports.report_id,
        relations.rule_id,
        relations.instance_id,
        relations.label,
        relations.relation,
        relations.tolerance,
        relations.lower_bound,
        relations.upper_bound,
        relations.severity,
        relations.evaluated_when,
        relations.message as message_template,
        {{ rule_side_sum('relations.side', 'relations.sign', 'cells.value', 'lhs') }} as lhs_value,
        {{ rule_side_sum('relations.side', 'relations.sign', 'cells.value', 'rhs') }} as rhs_value
    from reports
    inner join cells on reports.report_id = cells.report_id
    inner join relations
        on reports.template = relations.template
        and cells.table_code = relations.table_code
        and cells.row_code = relations.row_code
        and cells.column_code = relations.column_code
    where relations.spans_tables or reports.is_local_form is not true
    group by all
    having {{ rule_is_decided('relations.evaluated_when', 'relations.side', 'cells.value', 'relations.n_cells') }}
),

evaluated as (
    select
        *,
        lhs_value - rhs_value as residual,
        -- the bounds the catalogue's relation and tolerance give (nianbao.rules.bounds)
        {{ rule_holds('lhs_value - rhs_value', 'lower_bound', 'upper_bound') }} as holds
    from sums
),

doubted as (
    -- rows the extractor left out as doubtful ('table:row', or 'table:all_rows' for a whole table)
    select distinct
        report_id,
        split_part(row_code, ':', 1) as doubted_table,
        split_part(row_code, ':', 2) as doubted_row
    from {{ ref('stg_annual_reports__figures') }}
    where report_id in (select report_id from reports)
        and not is_mapped and value_kind = 'doubt' and contains(row_code, ':')
),

on_doubt as (
    -- broken instances that read a blank or absent cell of a doubtful row
    select distinct evaluated.report_id, evaluated.instance_id
    from evaluated
    inner join reports on evaluated.report_id = reports.report_id
    inner join relations
        on evaluated.instance_id = relations.instance_id and reports.template = relations.template
    inner join doubted
        on evaluated.report_id = doubted.report_id
        and relations.table_code = doubted.doubted_table
        and doubted.doubted_row in (relations.row_code, 'all_rows')
    left join cells
        on evaluated.report_id = cells.report_id
        and relations.table_code = cells.table_code
        and relations.row_code = cells.row_code
        and relations.column_code = cells.column_code
    where not evaluated.holds and cells.value is null
)

select
    evaluated.* exclude (message_template),
    not evaluated.holds and on_doubt.instance_id is null as is_reported,
    replace(
        replace(evaluated.message_template, '{lhs}', {{ rule_number('evaluated.lhs_value') }}),
        '{rhs}', {{ rule_number('evaluated.rhs_value') }}
    ) as message
from evaluated
left join on_doubt
    on evaluated.report_id = on_doubt.report_id and evaluated.instance_id = on_doubt.instance_id
