-- One row per template pair, rule instance, side and cell of the compiled rule catalogue's cross-report rules
-- (R5-R7: lines with `prev.` terms, nianbao.rules): a report of `template` against the same body's report of the
-- previous year, of `related_template`; report_offset -1 marks a cell read from that previous report.
with source as (
    select * from {{ source('raw', 'rule_relations') }}
),

final as (
    select
        template,
        related_template,
        rule_id,
        instance_id,
        instance_key,
        message,
        evaluated_when,
        relation,
        lower_bound,
        upper_bound,
        side,
        cell_seq,
        n_cells,
        sign,
        term,
        report_offset,
        table_code,
        row_code,
        column_code
    from source
    where related_template is not null
)

select * from final
