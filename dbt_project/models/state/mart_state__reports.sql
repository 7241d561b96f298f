-- One row per content (report_id = sha256) the marts have rebuilt: its body, year, template and publication date
-- when it parsed (null for a failed file), the fingerprint of its statistics tables when it is a chosen report
-- X_COPY compares (else null), and the raw watermark of the build that last wrote its rows (what the checks and the snapshot copy).
-- Built after every mart: the next run reads it for the bodies' old identities and for what the checks validate.
{{ config(pre_hook=[
    {'sql': "{{ add_documented_columns() }}", 'transaction': false},
    "{{ delete_scope() }}",
]) }}
-- depends_on: {{ ref('int_changes__reports') }}
-- depends_on: {{ ref('fct_report_figures') }}, {{ ref('fct_findings') }}, {{ ref('dim_reports') }}
-- depends_on: {{ ref('dim_report_files') }}, {{ ref('dim_agencies') }}, {{ ref('fct_applications') }}
-- depends_on: {{ ref('fct_proactive_disclosure') }}, {{ ref('fct_review_litigation') }}
-- depends_on: {{ ref('fct_legacy_statistics') }}, {{ ref('rpt_agency_year') }}, {{ ref('rpt_rule_failures') }}
-- depends_on: {{ ref('rpt_report_quality') }}
with scope as (
    select * from {{ ref('int_changes__reports') }}
),

bodies as (
    select * from {{ ref('int_reports__bodies') }}
    where report_id in (select report_id from scope)
),

rebuilt as (
    select scope.report_id, bodies.agency_id, bodies.report_year, bodies.template, bodies.published_date
    from scope
    left join bodies on scope.report_id = bodies.report_id
),

statistics_cells as (
    select * from {{ ref('int_figures__chosen') }}
    where table_code in {{ statistics_tables() }}
),

fingerprints as (
    {{ tables_fingerprint('statistics_cells') }}
),

final as (
    select
        rebuilt.report_id,
        rebuilt.agency_id,
        rebuilt.report_year,
        rebuilt.template,
        rebuilt.published_date,
        fingerprints.tables_fingerprint,
        (select max(loaded_at) from {{ source('raw', 'load_log') }}) as built_through
    from rebuilt
    left join fingerprints
        on rebuilt.report_id = fingerprints.report_id
        and fingerprints.n_nonzero_cells >= {{ var('copy_paste_min_nonzero_cells', 3) }}
)

select * from final
