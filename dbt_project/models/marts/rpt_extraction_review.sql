-- The review list: one row per current report × cell in doubt — a cell of a failed rule that a second,
-- independent reading of the file reads differently (verdict disagree), or a cell the parser could not decide
-- from the text (verdict doubt). Why, both readings, and the file and location to open. Publisher errors
-- (both readings agree) are not here: they stay in rpt_rule_failures.
-- A table rebuilt whole each run: it holds only cells in doubt (few), and its is_chosen follows every body's choice.
{{ config(materialized='table') }}
with checks as (
    select * from {{ ref('stg_annual_reports__extraction_checks') }}
    where verdict in ('disagree', 'doubt')
),

reports as (
    select * from {{ ref('int_reports__current') }}
),

chosen as (
    select report_id from {{ ref('int_reports__deduplicated') }}
),

cells as (
    select
        report_id,
        table_code,
        row_code,
        column_code,
        case when bool_or(verdict = 'doubt') then 'doubt' else 'disagree' end as verdict,
        string_agg(distinct rule_id, ',' order by rule_id) as rule_ids,
        any_value(rule_message order by check_seq) as rule_message,
        any_value(primary_value order by check_seq) as primary_value,
        any_value(second_value order by check_seq) as second_value,
        any_value(second_text order by check_seq) as second_text,
        any_value(second_reading order by check_seq) filter (where second_reading is not null) as second_reading,
        any_value(second_location_json order by check_seq) as second_location_json,
        any_value(page order by check_seq) as page,
        any_value(table_index order by check_seq) as table_index,
        any_value(row_index order by check_seq) as row_index,
        any_value(column_index order by check_seq) as column_index,
        any_value(char_start order by check_seq) as char_start,
        any_value(char_end order by check_seq) as char_end
    from checks
    group by report_id, table_code, row_code, column_code
),

final as (
    select
        ---------- ids and the file to open
        cells.report_id,
        reports.source_sha256,
        reports.source_path,
        reports.file_format,
        reports.agency_name,
        reports.report_year,
        reports.template,
        reports.report_id in (select report_id from chosen) as is_chosen,
        ---------- the cell
        coalesce(cells.table_code, '') || '/' || coalesce(cells.row_code, '') || '/' || coalesce(cells.column_code, '')
            as cell_key,
        cells.table_code,
        cells.row_code,
        cells.column_code,
        ---------- why it is in doubt
        cells.verdict,
        cells.rule_ids,
        case
            when cells.verdict = 'doubt' then 'the parser could not decide this cell from the text: ' || cells.rule_message  -- noqa: LT05
            else 'the second reading (' || coalesce(cells.second_reading, '?') || ') reads '
                || coalesce(cells.second_text, 'nothing') || ' where the extractor read '
                || coalesce(cast(cells.primary_value as varchar), 'nothing') || ' (' || cells.rule_ids || ' fails)'
        end as why,
        ---------- both readings
        cells.primary_value,
        cells.second_value,
        cells.second_text,
        cells.second_reading,
        ---------- where: the primary reading's location, and the second reading's
        cells.page,
        cells.table_index,
        cells.row_index,
        cells.column_index,
        cells.char_start,
        cells.char_end,
        cells.second_location_json
    from cells
    inner join reports on cells.report_id = reports.report_id
)

select * from final
