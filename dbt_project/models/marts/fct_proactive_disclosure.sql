-- One row per chosen report (2019 and 2021 templates), 表二 row and 表二 column.
{{ config(pre_hook="{{ delete_scope() }}") }}
-- depends_on: {{ ref('int_changes__reports') }}
with figures as (
    select * from {{ ref('int_figures__chosen') }}
    where table_code = 't2_proactive'
),

final as (
    select
        ---------- ids
        report_id,
        agency_id,
        report_year,
        template,
        ---------- cell
        row_parent_code as article_item,
        row_code,
        row_label_zh,
        column_code,
        column_label_zh,
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
