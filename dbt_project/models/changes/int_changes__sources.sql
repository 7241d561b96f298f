-- One row per source content (sha256 = report_id) whose raw rows changed since the marts were last built: any
-- raw.reports / figures / findings / documents / quarantine row with loaded_at after the state's watermark (a new,
-- changed, re-parsed or removed file). Every content when the run rebuilds everything (scope_is_full).
{%- set full = scope_is_full() %}
{%- if full %}
select report_id as source_sha256 from {{ source('raw', 'reports') }}
union
select sha256 from {{ source('raw', 'documents') }}
union
select sha256 from {{ source('raw', 'quarantine') }}
{%- else %}
with watermark as (
    select max(loaded_through) as loaded_through from {{ state_relation('mart_state__watermark') }}
)

select report_id as source_sha256 from {{ source('raw', 'reports') }}
where loaded_at > (select coalesce(loaded_through, '-infinity'::timestamptz) from watermark)
union
select report_id from {{ source('raw', 'figures') }}
where loaded_at > (select coalesce(loaded_through, '-infinity'::timestamptz) from watermark)
union
select report_id from {{ source('raw', 'findings') }}
where loaded_at > (select coalesce(loaded_through, '-infinity'::timestamptz) from watermark)
union
select sha256 from {{ source('raw', 'documents') }}
where loaded_at > (select coalesce(loaded_through, '-infinity'::timestamptz) from watermark)
union
select sha256 from {{ source('raw', 'quarantine') }}
where loaded_at > (select coalesce(loaded_through, '-infinity'::timestamptz) from watermark)
{%- endif %}
