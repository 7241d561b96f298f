-- One row per failed cross-year rule instance (R5, R6, R7) and cell involved: a body's chosen report of year t
-- against its chosen report of year t-1, both of a template the rule applies to (rules.csv's templates: codes of
-- the eras seed, nianbao/spec/eras.csv). Blank cells count as 0 (as in the per-report rules).
{{ config(materialized='table') }}
with figures as (
    select * from {{ ref('int_figures__chosen') }}
),

reports as (
    select * from {{ ref('int_reports__deduplicated') }}
),

rule_templates as (
    -- each cross-year rule and one template it applies to
    select
        rule_id,
        unnest(string_split(templates, '|')) as template
    from {{ ref('stg_reference__rules') }}
    where rule_scope = 'cross_year'
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

t2 as (
    select
        report_id,
        row_code,
        max(value_or_zero) filter (where column_code = 'in_force') as in_force,
        max(value_or_zero) filter (where column_code = 'issued') as issued,
        max(value_or_zero) filter (where column_code = 'repealed') as repealed,
        max(value_or_zero) filter (where column_code = 'prior_year_items') as prior_year_items,
        max(value_or_zero) filter (where column_code = 'change') as change
    from figures
    where table_code = 't2_proactive'
    group by report_id, row_code
),

---------- R5: 上年结转(t) = 结转下年度继续办理(t-1), per applicant column
r5 as (
    select
        'R5' as rule_id,
        pairs.report_id,
        pairs.related_report_id,
        carried_over.column_code as instance_key,
        '表三 二、上年结转 ' || carried_over.column_code || ' = ' || carried_over.value_or_zero
            || ' but last year''s 四、结转下年度继续办理 = ' || carried_forward.value_or_zero as message,
        [
            {'cell_report_id': pairs.report_id, 'table_code': 't3_applications', 'row_code': 'carried_over',
             'column_code': carried_over.column_code},
            {'cell_report_id': pairs.related_report_id, 'table_code': 't3_applications', 'row_code': 'carried_forward',
             'column_code': carried_over.column_code}
        ] as cells
    from pairs
    inner join figures as carried_over
        on carried_over.report_id = pairs.report_id
        and carried_over.table_code = 't3_applications'
        and carried_over.row_code = 'carried_over'
    inner join figures as carried_forward
        on carried_forward.report_id = pairs.related_report_id
        and carried_forward.table_code = 't3_applications'
        and carried_forward.row_code = 'carried_forward'
        and carried_forward.column_code = carried_over.column_code
    where pairs.template in (select template from rule_templates where rule_id = 'R5')
        and pairs.related_template in (select template from rule_templates where rule_id = 'R5')
        and carried_over.value_or_zero <> carried_forward.value_or_zero
),

---------- R6 (rules.csv: the 2021 template both years): 现行有效件数(t) = 现行有效件数(t-1) + 本年制发件数(t) - 本年废止件数(t)
r6 as (
    select
        'R6' as rule_id,
        pairs.report_id,
        pairs.related_report_id,
        this_year.row_code as instance_key,
        '表二 ' || this_year.row_code || ' 现行有效件数 = ' || this_year.in_force || ' but last year''s '
            || last_year.in_force || ' + 本年制发 ' || this_year.issued || ' - 本年废止 ' || this_year.repealed
            || ' = ' || (last_year.in_force + this_year.issued - this_year.repealed) as message,
        [
            {'cell_report_id': pairs.report_id, 'table_code': 't2_proactive', 'row_code': this_year.row_code,
             'column_code': 'in_force'},
            {'cell_report_id': pairs.report_id, 'table_code': 't2_proactive', 'row_code': this_year.row_code,
             'column_code': 'issued'},
            {'cell_report_id': pairs.report_id, 'table_code': 't2_proactive', 'row_code': this_year.row_code,
             'column_code': 'repealed'},
            {'cell_report_id': pairs.related_report_id, 'table_code': 't2_proactive', 'row_code': this_year.row_code,
             'column_code': 'in_force'}
        ] as cells
    from pairs
    inner join t2 as this_year on this_year.report_id = pairs.report_id
    inner join t2 as last_year
        on last_year.report_id = pairs.related_report_id
        and last_year.row_code = this_year.row_code
    where pairs.template in (select template from rule_templates where rule_id = 'R6')
        and pairs.related_template in (select template from rule_templates where rule_id = 'R6')
        and this_year.row_code in ('regulations', 'normative_documents')
        and this_year.in_force <> last_year.in_force + this_year.issued - this_year.repealed
),

---------- R7 (rules.csv: the 2019 template both years): 上一年项目数量(t) = 上一年项目数量(t-1) + 本年增/减(t-1)
r7 as (
    select
        'R7' as rule_id,
        pairs.report_id,
        pairs.related_report_id,
        this_year.row_code as instance_key,
        '表二 ' || this_year.row_code || ' 上一年项目数量 = ' || this_year.prior_year_items || ' but last year''s '
            || last_year.prior_year_items || ' + 本年增/减 ' || last_year.change
            || ' = ' || (last_year.prior_year_items + last_year.change) as message,
        [
            {'cell_report_id': pairs.report_id, 'table_code': 't2_proactive', 'row_code': this_year.row_code,
             'column_code': 'prior_year_items'},
            {'cell_report_id': pairs.related_report_id, 'table_code': 't2_proactive', 'row_code': this_year.row_code,
             'column_code': 'prior_year_items'},
            {'cell_report_id': pairs.related_report_id, 'table_code': 't2_proactive', 'row_code': this_year.row_code,
             'column_code': 'change'}
        ] as cells
    from pairs
    inner join t2 as this_year on this_year.report_id = pairs.report_id
    inner join t2 as last_year
        on last_year.report_id = pairs.related_report_id
        and last_year.row_code = this_year.row_code
    where pairs.template in (select template from rule_templates where rule_id = 'R7')
        and pairs.related_template in (select template from rule_templates where rule_id = 'R7')
        and this_year.row_code in ('administrative_licensing', 'other_external_services', 'administrative_penalty',
                                   'administrative_coercion', 'administrative_fees')
        and this_year.prior_year_items <> last_year.prior_year_items + last_year.change
),

instances as (
    select * from r5
    union all
    select * from r6
    union all
    select * from r7
),

cells as (
    select
        md5(rule_id || '|' || report_id || '|' || related_report_id || '|' || instance_key) as failure_id,
        rule_id,
        report_id,
        related_report_id,
        message,
        unnest(cells, recursive := true)
    from instances
),

final as (
    select
        cells.failure_id,
        cells.rule_id,
        cells.report_id,
        cells.related_report_id,
        cells.message,
        cells.cell_report_id,
        cells.table_code,
        cells.row_code,
        cells.column_code,
        figures.value,
        figures.page,
        figures.table_index,
        figures.row_index,
        figures.column_index,
        figures.char_start,
        figures.char_end
    from cells
    left join figures
        on figures.report_id = cells.cell_report_id
        and figures.table_code = cells.table_code
        and figures.row_code = cells.row_code
        and figures.column_code = cells.column_code
)

select * from final
