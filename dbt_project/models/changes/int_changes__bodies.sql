-- One row per body (agency_id) whose marts this run rebuilds: the bodies of the changed contents, by their new
-- depends_on: {{ ref('stg_annual_reports__figures') }}
-- identity (raw.reports now) and their old one (the state of the last build); and every body whose chosen
-- report shares a statistics-tables fingerprint (year, template) with one of those bodies' reports, old or new,
-- so that X_COPY across bodies is recomputed for both sides. Every body when the run rebuilds everything.
{%- set full = scope_is_full() %}
-- `changed` is unused when the run rebuilds everything (full)
with changed as (  -- noqa: ST03
    select * from {{ ref('int_changes__sources') }}
),

bodies_now as (
    select * from {{ ref('int_reports__bodies') }}
),

{%- if full %}

final as (
    select distinct agency_id from bodies_now
)
{%- else %}

state as (
    select * from {{ state_relation('mart_state__reports') }}
),

core_bodies as (
    select agency_id from bodies_now where report_id in (select source_sha256 from changed)
    union
    select agency_id from state where report_id in (select source_sha256 from changed)
),

core_reports as (
    select report_id, report_year, template from bodies_now where agency_id in (select agency_id from core_bodies)
    union
    select source_sha256, null, null from changed
),

core_cells as (
    select figures.report_id, figures.table_code, figures.row_code, figures.column_code,
        coalesce(figures.value, 0) as value_or_zero
    from {{ ref('stg_annual_reports__figures') }} as figures
    where figures.is_mapped
        and figures.table_code in {{ statistics_tables() }}
        and figures.report_id in (select report_id from core_reports)
),

new_fingerprints as (
    select core_reports.report_year, core_reports.template, fingerprints.tables_fingerprint
    from ({{ tables_fingerprint('core_cells') }}) as fingerprints
    inner join core_reports on fingerprints.report_id = core_reports.report_id
),

old_fingerprints as (
    select report_year, template, tables_fingerprint
    from state
    where agency_id in (select agency_id from core_bodies) and tables_fingerprint is not null
),

fingerprints as (
    select * from new_fingerprints
    union
    select * from old_fingerprints
),

sharing as (
    select state.agency_id
    from state
    inner join fingerprints
        on state.report_year = fingerprints.report_year
        and state.template = fingerprints.template
        and state.tables_fingerprint = fingerprints.tables_fingerprint
),

final as (
    select agency_id from core_bodies where agency_id is not null
    union
    select agency_id from sharing
)
{%- endif %}

select * from final
