-- One row per report and cell, as extracted.
with source as (
    select * from {{ source('raw', 'figures') }}
),

renamed as (
    select
        ---------- ids
        report_id,
        source_sha256,
        figure_seq,
        ---------- cell
        table_code,
        row_code,
        column_code,
        is_mapped,
        ---------- values
        value,
        raw_text,
        is_approximate,
        unit,
        value_kind,
        printed_label,
        ---------- location
        page,
        table_index,
        row_index,
        column_index,
        char_start,
        char_end
    from source
)

select * from renamed
