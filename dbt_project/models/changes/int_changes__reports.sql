-- One row per report (source content) whose rows in the marts this run rebuilds: every changed content, and every
-- report of a body in int_changes__bodies, by its body now or at the last build.
{%- set full = scope_is_full() %}
with bodies as (
    select * from {{ ref('int_changes__bodies') }}
),

final as (
    select source_sha256 as report_id from {{ ref('int_changes__sources') }}
    union
    select report_id from {{ ref('int_reports__bodies') }} where agency_id in (select agency_id from bodies)
    {%- if not full %}
    union
    select report_id from {{ state_relation('mart_state__reports') }} where agency_id in (select agency_id from bodies)
    {%- endif %}
)

select * from final
