-- One row per failed file (content and path) and parser version.
with source as (
    select * from {{ source('raw', 'quarantine') }}
),

renamed as (
    select
        sha256 as source_sha256,
        {{ raw_relative_path('path') }} as source_path,  -- relative to NIANBAO_RAW_DIR
        format as file_format,
        parser_version,
        error_kind,
        message as error_message,
        seen_at
    from source
)

select * from renamed
