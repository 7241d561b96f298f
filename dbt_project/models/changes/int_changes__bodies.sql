-- One row per body (agency_id) whose marts this run rebuilds: the bodies of the changed contents, by their new
-- depends_on: {{ ref('stg_annual_reports__figures') }}
-- identity (raw.reports now) and their old one (the state of the last build); and, for X_COPY across bodies, every
-- body whose chosen report is in a group of identical statistics tables (year, template, fingerprint) whose
-- original (the first published) may have moved: the group's original at the last build belongs to a changed
-- body, or a changed body's report now precedes it. The other members of a group keep their findings (a copy
-- points at the original; the original has none), so a report joining or leaving a group of 100 rebuilds 1 body,
-- not 100. Every body when the run rebuilds everything.
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
    select report_id, agency_id, report_year, template, published_date
    from bodies_now where agency_id in (select agency_id from core_bodies)
    union
    select source_sha256, null, null, null, null from changed
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
    -- every current report of a changed body, chosen or not: a superset of the group members it may have now
    select
        core_reports.report_id,
        core_reports.agency_id,
        core_reports.published_date,
        core_reports.report_year,
        core_reports.template,
        fingerprints.tables_fingerprint
    from ({{ tables_fingerprint('core_cells') }}) as fingerprints
    inner join core_reports on fingerprints.report_id = core_reports.report_id
),

old_fingerprints as (
    select report_year, template, tables_fingerprint
    from state
    where agency_id in (select agency_id from core_bodies) and tables_fingerprint is not null
),

groups as (
    select report_year, template, tables_fingerprint from new_fingerprints
    union
    select * from old_fingerprints
),

members_before as (
    select state.*
    from state
    inner join groups
        on state.report_year = groups.report_year
        and state.template = groups.template
        and state.tables_fingerprint = groups.tables_fingerprint
),

original_before as (
    {{ copy_paste_originals('members_before') }}
),

candidates_now as (
    -- the unchanged members of each group, and every report of a changed body that may have joined it
    select report_id, agency_id, published_date, report_year, template, tables_fingerprint
    from members_before
    where agency_id not in (select agency_id from core_bodies where agency_id is not null)
    union all
    select report_id, agency_id, published_date, report_year, template, tables_fingerprint
    from new_fingerprints
),

first_now as (
    {{ copy_paste_originals('candidates_now') }}
),

moved_groups as (
    select original_before.report_year, original_before.template, original_before.tables_fingerprint
    from original_before
    left join first_now
        on original_before.report_year = first_now.report_year
        and original_before.template = first_now.template
        and original_before.tables_fingerprint = first_now.tables_fingerprint
    where original_before.agency_id in (select agency_id from core_bodies)
        or first_now.report_id is distinct from original_before.report_id
),

sharing as (
    select members_before.agency_id
    from members_before
    inner join moved_groups
        on members_before.report_year = moved_groups.report_year
        and members_before.template = moved_groups.template
        and members_before.tables_fingerprint = moved_groups.tables_fingerprint
),

final as (
    select agency_id from core_bodies where agency_id is not null
    union
    select agency_id from sharing
)
{%- endif %}

select * from final
