-- One row per parsed report: how its cells were read (located, inferred, blank), whether the template's own
-- arithmetic holds, and how many cells are in doubt (the extract output's `confidence` object, summarised).
with source as (
    select * from {{ source('raw', 'reports') }}
),

renamed as (
    select
        report_id,
        n_cells_located,
        n_cells_inferred,
        n_cells_blank,
        identities_hold,
        n_cells_in_doubt
    from source
)

select * from renamed
