-- One row per chosen report (2019 and 2021 templates) and 表四 block (administrative_review, litigation_direct,
-- litigation_after_review), its five columns wide, with the location of the 总计 cell.
{{ config(pre_hook="{{ delete_scope() }}") }}
-- depends_on: {{ ref('int_changes__reports') }}
with figures as (
    select * from {{ ref('int_figures__chosen') }}
    where table_code = 't4_review_litigation'
),

pivoted as (
    select
        report_id,
        agency_id,
        report_year,
        template,
        row_code as block,
        any_value(row_label_zh) as block_label_zh,
        max(value) filter (where column_code = 'upheld') as upheld,
        max(value) filter (where column_code = 'corrected') as corrected,
        max(value) filter (where column_code = 'other_result') as other_result,
        max(value) filter (where column_code = 'pending') as pending,
        max(value) filter (where column_code = 'total') as total,
        max(raw_text) filter (where column_code = 'total') as total_raw_text,
        max(page) filter (where column_code = 'total') as total_page,
        max(table_index) filter (where column_code = 'total') as total_table_index,
        max(row_index) filter (where column_code = 'total') as total_row_index,
        max(column_index) filter (where column_code = 'total') as total_column_index,
        max(char_start) filter (where column_code = 'total') as total_char_start,
        max(char_end) filter (where column_code = 'total') as total_char_end
    from figures
    group by report_id, agency_id, report_year, template, row_code
)

select * from pivoted
