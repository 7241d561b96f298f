-- One row per current report of this run's scope and rule instance of the compiled rule catalogue
-- (raw.rule_relations, from nianbao/spec/rule_relations.csv through nianbao.rules) that the report's cells
-- evaluate: lhs and rhs sums, residual = lhs - rhs, and whether it holds within the instance's tolerance. No rule is
-- written here: the instances, their cells, relation and tolerance are rows of the catalogue. The evaluation is
-- nianbao.rules.evaluate's: a blank cell counts 0, an instance whose cells are all blank or absent is not
-- evaluated, a local pre-2019 form gets no relation; and, as the extractor's findings, a broken instance is not
-- reported when a cell it reads is blank because its row was left out as doubtful (`is_reported`).
{{ config(materialized='table') }}
with reports as (
    select current.report_id, current.template
    from {{ ref('int_reports__current') }} as current
    inner join {{ ref('stg_annual_reports__reports') }} as parsed on current.report_id = parsed.report_id
    where current.report_id in (select report_id from {{ ref('int_changes__reports') }})
        and parsed.template_variant is distinct from 'local_form'
),

relations as (
    select * from {{ ref('stg_reference__rule_relations') }}
),

figures as (
    select * from {{ ref('stg_annual_reports__figures') }}
    where report_id in (select report_id from reports)
),

cells as (
    -- a report's mapped cells, the last reading of a cell kept (as the extractor's dict of cells)
    select report_id, table_code, row_code, column_code, value
    from figures
    where is_mapped
    qualify row_number() over (
        partition by report_id, table_code, row_code, column_code order by figure_seq desc
    ) = 1
),

doubted as (
    -- rows the extractor left out as doubtful ('table:row', or 'table:all_rows' for a whole table)
    select distinct
        report_id,
        split_part(row_code, ':', 1) as doubted_table,
        split_part(row_code, ':', 2) as doubted_row
    from figures
    where not is_mapped and value_kind = 'doubt' and contains(row_code, ':')
),

instance_cells as (
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
        relations.side,
        cells.value,
        cells.value is null and exists (
            select 1 from doubted
            where doubted.report_id = reports.report_id
                and doubted.doubted_table = relations.table_code
                and doubted.doubted_row in (relations.row_code, 'all_rows')
        ) as is_doubted
    from reports
    inner join relations on reports.template = relations.template
    left join cells
        on reports.report_id = cells.report_id
        and relations.table_code = cells.table_code
        and relations.row_code = cells.row_code
        and relations.column_code = cells.column_code
),

sums as (
    select
        report_id,
        rule_id,
        instance_id,
        label,
        relation,
        tolerance,
        lower_bound,
        upper_bound,
        severity,
        coalesce(sum(value) filter (where side = 'lhs'), 0) as lhs_value,
        coalesce(sum(value) filter (where side = 'rhs'), 0) as rhs_value,
        bool_or(is_doubted) as reads_doubted_cell
    from instance_cells
    group by report_id, rule_id, instance_id, label, relation, tolerance, lower_bound, upper_bound, severity
    having count(value) > 0
),

final as (
    select
        *,
        lhs_value - rhs_value as residual,
        -- the bounds the catalogue's relation and tolerance give (nianbao.rules.bounds); 1e-9: float noise
        (lower_bound is null or lhs_value - rhs_value >= lower_bound - 1e-9)
        and (upper_bound is null or lhs_value - rhs_value <= upper_bound + 1e-9) as holds
    from sums
)

select
    *,
    not holds and not reads_doubted_cell as is_reported,
    label || ': ' || {{ rule_number('lhs_value') }}
    || case when relation = '=' then ' ≠ ' else ' violates ' || relation || ' ' end
    || {{ rule_number('rhs_value') }} as message
from final
