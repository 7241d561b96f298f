-- One row per expected body (body_id of dim_expected_bodies) whose coverage rows this run rewrites: the bodies of
-- int_changes__bodies, and every body standing for a 行政区划 place one of them governs, now or at the last build
-- (a government publishing for the first time replaces its place's 'region:' row). Every body when the run
-- rebuilds everything, or when the range of report years or the 行政区划 table changed (every body's years do).
-- depends_on: {{ ref('int_changes__bodies') }}
-- depends_on: {{ ref('dim_reports') }}
-- depends_on: {{ ref('dim_regions') }}
{%- set full = scope_is_full() %}
{%- if not full %}{% set built = built_relation('marts', 'dim_expected_bodies') %}{% endif %}
with bodies_now as (
    select * from {{ ref('int_expected_bodies__bodies') }}
),

{%- if full or built is none %}

final as (
    select body_id from bodies_now
)
{%- else %}

changed as (
    select agency_id from {{ ref('int_changes__bodies') }}
),

built as (
    select * from {{ built }}
),

everything_changed as (
    select
        (select min(report_year) from {{ ref('dim_reports') }}) is distinct from min(built.report_year)
        or (select max(report_year) from {{ ref('dim_reports') }}) is distinct from max(built.report_year)
        or (select count(*) from {{ ref('dim_regions') }})
        <> count(distinct built.region_code) filter (where built.is_in_region_table) as yes
    from built
),

touched_regions as (
    select region_code from bodies_now
    where is_in_region_table and agency_id in (select agency_id from changed)
    union
    select region_code from built
    where is_in_region_table and agency_id in (select agency_id from changed)
),

in_scope as (
    select body_id, agency_id, region_code, is_in_region_table from bodies_now
    union all
    select body_id, agency_id, region_code, is_in_region_table from built
),

final as (
    select distinct body_id
    from in_scope
    where (select yes from everything_changed)
        or agency_id in (select agency_id from changed)
        or (is_in_region_table and region_code in (select region_code from touched_regions))
)
{%- endif %}

select * from final
