-- One row per template, rule instance, side and cell of the compiled rule catalogue (nianbao.rules), with the
-- rule's severity from rules.csv: the rules decided on one report (the cross-report ones, R5-R7, are
-- stg_reference__cross_report_relations).
with source as (
    select * from {{ source('raw', 'rule_relations') }}
),

rules as (
    select rule_id, severity from {{ ref('stg_reference__rules') }}
),

final as (
    select
        source.template,
        source.rule_id,
        source.instance_id,
        source.label,
        source.message,
        source.evaluated_when,
        source.spans_tables,
        source.relation,
        source.tolerance,
        source.lower_bound,
        source.upper_bound,
        rules.severity,
        source.side,
        source.cell_seq,
        source.n_cells,
        source.sign,
        source.table_code,
        source.row_code,
        source.column_code
    from source
    left join rules on source.rule_id = rules.rule_id
    where source.related_template is null
)

select * from final
