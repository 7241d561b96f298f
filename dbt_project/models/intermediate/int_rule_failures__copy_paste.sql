-- One row per copy-paste finding (rule X_COPY) and non-zero cell involved: a chosen report whose statistics tables
-- (表二/表三/表四, or the 统计表) equal, cell for cell and with at least 3 non-zero cells, those of the same body's previous
-- year or of another body's report of the same year (the later published of the two is the copy). On an incremental
-- run, the reports it rebuilds are compared with each other and with the unchanged chosen reports as the state of
-- the last build has them (int_changes__bodies put every body whose findings may move in scope).
{{ config(materialized='table') }}
-- depends_on: {{ ref('int_changes__reports') }}
{%- set full = scope_is_full() %}
with figures as (
    select * from {{ ref('int_figures__chosen') }}
),

reports as (
    select * from {{ ref('int_reports__deduplicated') }}
),

statistics_cells as (
    select *
    from figures
    where table_code in {{ statistics_tables() }}
),

fingerprints as (
    {{ tables_fingerprint('statistics_cells') }}
),

candidates as (
    select
        reports.report_id,
        reports.agency_id,
        reports.report_year,
        reports.template,
        reports.published_date,
        fingerprints.tables_fingerprint,
        fingerprints.n_cells
    from reports
    inner join fingerprints on reports.report_id = fingerprints.report_id
    -- "not all zero": a few non-zero cells can coincide by chance between small bodies, so a copy needs
    -- var('copy_paste_min_nonzero_cells') (default 3) of them
    where fingerprints.n_nonzero_cells >= {{ var('copy_paste_min_nonzero_cells', 3) }}
),

same_year_candidates as (
    select report_id, agency_id, report_year, template, published_date, tables_fingerprint, n_cells,
        true as is_rebuilt
    from candidates
    {%- if not full %}
    union all
    -- the chosen reports this run does not rebuild: a fingerprint in the state means a candidate then, and now
    select report_id, agency_id, report_year, template, published_date, tables_fingerprint, null, false
    from {{ state_relation('mart_state__reports') }}
    where tables_fingerprint is not null
        and report_id not in (select report_id from {{ ref('int_changes__reports') }})
    {%- endif %}
),

previous_year as (
    select
        this_year.report_id,
        last_year.report_id as related_report_id,
        'statistics tables identical, cell for cell (' || this_year.n_cells || ' cells), to the same body''s '
            || last_year.report_year || ' report' as message
    from candidates as this_year
    inner join candidates as last_year
        on this_year.agency_id = last_year.agency_id
        and last_year.report_year = this_year.report_year - 1
        and this_year.template = last_year.template
        and this_year.tables_fingerprint = last_year.tables_fingerprint
),

same_year_ordered as (
    select
        *,
        first_value(report_id) over (
            partition by report_year, template, tables_fingerprint
            order by {{ copy_paste_order() }}
        ) as original_report_id,
        count(distinct agency_id) over (partition by report_year, template, tables_fingerprint) as n_bodies
    from same_year_candidates
),

other_body as (
    select
        copy.report_id,
        copy.original_report_id as related_report_id,
        'statistics tables identical, cell for cell (' || copy.n_cells || ' cells), to another body''s '
            || copy.report_year || ' report published earlier' as message
    from same_year_ordered as copy
    inner join same_year_candidates as original on copy.original_report_id = original.report_id
    where copy.is_rebuilt
        and copy.n_bodies > 1
        and copy.report_id <> copy.original_report_id
        and copy.agency_id <> original.agency_id
),

instances as (
    select * from previous_year
    union all
    select * from other_body
),

final as (
    select
        md5('X_COPY|' || instances.report_id || '|' || instances.related_report_id) as failure_id,
        'X_COPY' as rule_id,
        instances.report_id,
        instances.related_report_id,
        instances.message,
        statistics_cells.report_id as cell_report_id,
        statistics_cells.table_code,
        statistics_cells.row_code,
        statistics_cells.column_code,
        statistics_cells.value,
        statistics_cells.page,
        statistics_cells.table_index,
        statistics_cells.row_index,
        statistics_cells.column_index,
        statistics_cells.char_start,
        statistics_cells.char_end
    from instances
    inner join statistics_cells
        on statistics_cells.report_id = instances.report_id
        and statistics_cells.value_or_zero <> 0
)

select * from final
