-- One row per expected body (dim_expected_bodies.body_id) the coverage marts have rewritten, with the raw watermark
-- of the build that last wrote its rows: what the BI snapshot copies of dim_expected_bodies, rpt_publication_status
-- and rpt_missing_publishers. Only the snapshot reads it (a warehouse built before it existed is not rebuilt for it).
{{ config(pre_hook="{{ delete_scope('body_id', 'int_changes__expected_bodies', 'body_id') }}") }}
-- depends_on: {{ ref('dim_expected_bodies') }}, {{ ref('rpt_publication_status') }}
-- depends_on: {{ ref('rpt_missing_publishers') }}
with scope as (
    select * from {{ ref('int_changes__expected_bodies') }}
),

final as (
    select
        body_id,
        (select max(loaded_at) from {{ source('raw', 'load_log') }}) as built_through
    from scope
)

select * from final
