-- One row per successful build of the marts: the raw watermark it reached (max raw.load_log.loaded_at) and when.
-- The next run rebuilds what was loaded after the latest of these; a run that failed before here left none.
{{ config(materialized='incremental') }}
-- depends_on: {{ ref('mart_state__reports') }}
select
    (select max(loaded_at) from {{ source('raw', 'load_log') }}) as loaded_through,
    now() as built_at
