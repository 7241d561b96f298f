-- One row per failed file (content and path) and parser version.
with source as (
    select * from {{ source('raw', 'quarantine') }}
),

renamed as (
    select
        sha256 as source_sha256,
        path as source_path,
        format as file_format,
        parser_version,
        error_kind,
        message as error_message,
        seen_at
    from source
)

select * from renamed
