-- One row per file path and content seen under NIANBAO_RAW_DIR.
with source as (
    select * from {{ source('raw', 'documents') }}
),

renamed as (
    select
        ---------- ids
        sha256 as source_sha256,
        {{ raw_relative_path('path') }} as source_path,  -- relative to NIANBAO_RAW_DIR
        ---------- properties
        size as size_bytes,
        format as file_format,
        parser_version,
        status as extract_status,
        error_kind,
        error_message,
        is_current,
        ---------- timestamps
        extracted_at,
        seen_at
    from source
)

select * from renamed
