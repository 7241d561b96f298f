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
    select report_id, table_code, row_code, column_code, max(value) as value, max(value_or_zero) as value_or_zero
    from figures
    group by all
),

sums as (
    -- the printed cells of each instance (an absent cell adds nothing, as a blank one)
    select
        instance_cells.report_id,
        instance_cells.related_report_id,
        instance_cells.rule_id,
        instance_cells.instance_id,
        instance_cells.instance_key,
        instance_cells.lower_bound,
        instance_cells.upper_bound,
        instance_cells.message as message_template,
        {{ rule_side_sum('instance_cells.side', 'instance_cells.sign', 'cell_values.value_or_zero', 'lhs') }}
            as lhs_value,
        {{ rule_side_sum('instance_cells.side', 'instance_cells.sign', 'cell_values.value_or_zero', 'rhs') }}
            as rhs_value,
        -- each term's value, for the message's {<term>} placeholders (a `prefix*` term names several cells: none)
        map_from_entries(
            list_distinct(
                list(('{' || instance_cells.term || '}', {{ rule_number('cell_values.value_or_zero') }}))
                    filter (where not ends_with(instance_cells.term, '*'))
            )
        ) as term_values
    from instance_cells
    inner join cell_values
        on instance_cells.cell_report_id = cell_values.report_id
        and instance_cells.table_code = cell_values.table_code
        and instance_cells.row_code = cell_values.row_code
        and instance_cells.column_code = cell_values.column_code
    group by all
    having {{ rule_is_decided(
        'instance_cells.evaluated_when', 'instance_cells.side', 'cell_values.value', 'instance_cells.n_cells'
    ) }}
),

broken as (
    -- the bounds the catalogue's relation and tolerance give (nianbao.rules.bounds)
    select
        md5(rule_id || '|' || report_id || '|' || related_report_id || '|' || instance_key) as failure_id,
        rule_id,
        report_id,
        related_report_id,
        instance_id,
        term_values,
        replace(
            replace(message_template, '{lhs}', {{ rule_number('lhs_value') }}), '{rhs}', {{ rule_number('rhs_value') }}
        ) as message_with_sums
    from sums
    where not ({{ rule_holds('lhs_value - rhs_value', 'lower_bound', 'upper_bound') }})
),

final as (
    select
        broken.failure_id,
        broken.rule_id,
        broken.report_id,
        broken.related_report_id,
        {{ rule_message('broken.message_with_sums', 'broken.term_values') }} as message,
        instance_cells.cell_report_id,
        instance_cells.table_code,
        instance_cells.row_code,
        instance_cells.column_code,
        figures.value,
        figures.page,
        figures.table_index,
        figures.row_index,
        figures.column_index,
        figures.char_start,
        figures.char_end
    from broken
    inner join instance_cells
        on broken.report_id = instance_cells.report_id
        and broken.related_report_id = instance_cells.related_report_id
        and broken.instance_id = instance_cells.instance_id
    left join figures
        on instance_cells.cell_report_id = figures.report_id
        and instance_cells.table_code = figures.table_code
        and instance_cells.row_code = figures.row_code
        and instance_cells.column_code = figures.column_code
)

select * from final
