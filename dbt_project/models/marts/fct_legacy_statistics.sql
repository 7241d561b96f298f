-- One row per chosen report with a pre-2019 统计表 (template pre2019_table) and 统计表 row.
{{ config(pre_hook="{{ delete_scope() }}") }}
-- depends_on: {{ ref('int_changes__reports') }}
with figures as (
    select * from {{ ref('int_figures__chosen') }}
    where table_code = 'legacy_stats'
),

final as (
    select
        ---------- ids
        report_id,
        agency_id,
        report_year,
        template,
        ---------- cell
        row_code,
        row_label_zh,
        row_parent_code as parent_row_code,
        unit,
        ---------- values
        value,
        raw_text,
        is_blank,
        ---------- location
        page,
        table_index,
        row_index,
        column_index,
        char_start,
        char_end
    from figures
)

select * from final
