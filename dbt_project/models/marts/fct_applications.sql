-- One row per chosen report of a national template (eras seed: 2019, 2021), applicant type (表三 column) and
-- outcome row (表三 row), with the crosswalk row that makes the two templates comparable.
{{ config(pre_hook="{{ delete_scope() }}") }}
-- depends_on: {{ ref('int_changes__reports') }}
with figures as (
    select * from {{ ref('int_figures__chosen') }}
    where table_code = 't3_applications'
        and template in (select template from {{ ref('eras') }} where family = 'national')
),

crosswalk as (
    select * from {{ ref('outcome_crosswalk') }}
),

final as (
    select
        ---------- ids
        figures.report_id,
        figures.agency_id,
        figures.report_year,
        figures.template,
        ---------- cell
        figures.column_code as applicant_type,
        figures.column_label_zh as applicant_label_zh,
        figures.row_code,
        figures.row_label_zh,
        crosswalk.outcome_group,
        crosswalk.comparable_row_code,
        ---------- values
        figures.value,
        figures.raw_text,
        figures.is_blank,
        ---------- location
        figures.page,
        figures.table_index,
        figures.row_index,
        figures.column_index,
        figures.char_start,
        figures.char_end
    from figures
    left join crosswalk
        on crosswalk.template = figures.template
        and crosswalk.row_code = figures.row_code
)

select * from final
