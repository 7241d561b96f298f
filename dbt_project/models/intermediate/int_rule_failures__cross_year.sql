-- One row per failed cross-report rule instance and cell involved: a body's chosen report of year t against its
-- chosen report of year t-1. No rule is written here: the rules (R5, R6, R7) are the lines of the rule catalogue
-- whose terms read the previous year's report (`prev.`, nianbao/spec/rule_relations.csv), compiled by nianbao.rules
-- into raw.rule_relations (stg_reference__cross_report_relations): for each pair of templates both of the line's
-- eras, the instances, their cells (report_offset -1: the previous report's), signs, bounds and messages. The
-- evaluation is nianbao.rules.evaluate's: a blank cell counts 0, a term `- x` negatively; every_cell decides an
-- instance only when both reports printed every cell of it (each_side: a cell on each side; any_cell: one value).
{{ config(materialized='table') }}
with figures as (
    select * from {{ ref('int_figures__chosen') }}
),

reports as (
    select * from {{ ref('int_reports__deduplicated') }}
),

relations as (
    select * from {{ ref('stg_reference__cross_report_relations') }}
),

pairs as (
    select
        this_year.report_id,
        last_year.report_id as related_report_id,
        this_year.template,
        last_year.template as related_template
    from reports as this_year
    inner join reports as last_year
        on this_year.agency_id = last_year.agency_id
        and last_year.report_year = this_year.report_year - 1
),

instance_cells as (
    -- every cell of every instance the pair's templates can break, with the report it is read from
    select
        pairs.report_id,
        pairs.related_report_id,
        case when relations.report_offset = 0 then pairs.report_id else pairs.related_report_id end
            as cell_report_id,
        relations.* exclude (template, related_template)
    from pairs
    inner join relations
        on pairs.template = relations.template
        and pairs.related_template = relations.related_template
),

cell_values as (
    -- the cells any cross-report instance reads (a few of a report's), one value each
    select report_id, table_code, row_code, column_code, max(value) as value, max(value_or_zero) as value_or_zero
    from figures
    where (table_code, row_code, column_code) in (select (table_code, row_code, column_code) from relations)
    group by all
),

read as (
    -- the printed cells of each instance (an absent cell is not read, so adds nothing, as a blank one)
    select
        instance_cells.*,
        cell_values.value,
        cell_values.value_or_zero
    from instance_cells
    inner join cell_values
        on instance_cells.cell_report_id = cell_values.report_id
        and instance_cells.table_code = cell_values.table_code
        and instance_cells.row_code = cell_values.row_code
        and instance_cells.column_code = cell_values.column_code
),

sums as (
    select
        report_id,
        related_report_id,
        instance_id,
        any_value(rule_id) as rule_id,
        any_value(instance_key) as instance_key,
        any_value(lower_bound) as lower_bound,
        any_value(upper_bound) as upper_bound,
        any_value(message) as message_template,
        {{ rule_side_sum('side', 'sign', 'value_or_zero', 'lhs') }} as lhs_value,
        {{ rule_side_sum('side', 'sign', 'value_or_zero', 'rhs') }} as rhs_value
    from read
    group by report_id, related_report_id, instance_id
    having {{ rule_is_decided('any_value(evaluated_when)', 'side', 'value', 'n_cells') }}
),

broken as (
    -- the bounds the catalogue's relation and tolerance give (nianbao.rules.bounds)
    select
        md5(rule_id || '|' || report_id || '|' || related_report_id || '|' || instance_key) as failure_id,
        rule_id,
        report_id,
        related_report_id,
        instance_id,
        replace(
            replace(message_template, '{lhs}', {{ rule_number('lhs_value') }}), '{rhs}', {{ rule_number('rhs_value') }}
        ) as message_with_sums
    from sums
    where not ({{ rule_holds('lhs_value - rhs_value', 'lower_bound', 'upper_bound') }})
),

broken_cells as (
    select
        broken.*,
        read.cell_report_id,
        read.table_code,
        read.row_code,
        read.column_code,
        read.term,
        read.value_or_zero
    from broken
    inner join read
        on broken.report_id = read.report_id
        and broken.related_report_id = read.related_report_id
        and broken.instance_id = read.instance_id
),

term_values as (
    -- each term's value, for the message's {<term>} (a `prefix*` term names several cells: none)
    select
        failure_id,
        any_value(message_with_sums) as message_with_sums,
        map_from_entries(
            list_distinct(
                list(('{' || term || '}', {{ rule_number('value_or_zero') }})) filter (where not ends_with(term, '*'))
            )
        ) as term_values
    from broken_cells
    group by failure_id
),

messages as (
    select
        failure_id,
        {{ rule_message('message_with_sums', 'term_values') }} as message
    from term_values
),

final as (
    select
        broken_cells.failure_id,
        broken_cells.rule_id,
        broken_cells.report_id,
        broken_cells.related_report_id,
        messages.message,
        broken_cells.cell_report_id,
        broken_cells.table_code,
        broken_cells.row_code,
        broken_cells.column_code,
        figures.value,
        figures.page,
        figures.table_index,
        figures.row_index,
        figures.column_index,
        figures.char_start,
        figures.char_end
    from broken_cells
    inner join messages on broken_cells.failure_id = messages.failure_id
    left join figures
        on broken_cells.cell_report_id = figures.report_id
        and broken_cells.table_code = figures.table_code
        and broken_cells.row_code = figures.row_code
        and broken_cells.column_code = figures.column_code
)

select * from final
