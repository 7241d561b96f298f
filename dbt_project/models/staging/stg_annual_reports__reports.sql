-- One row per parsed report (latest parse of each source content).
with source as (
    select * from {{ source('raw', 'reports') }}
),

renamed as (
    select
        ---------- ids
        report_id,
        report_id as source_sha256,
        source_path as parsed_path,
        ---------- publisher
        nullif(trim(agency), '') as agency_name,
        nullif(trim(province), '') as province,
        nullif(trim(city), '') as city,
        nullif(trim(county), '') as county,
        nullif(trim(region_code), '') as region_code,
        ---------- report
        report_year,
        template,
        {{ template_era('template') }} as template_era,
        published_on as published_date,
        parser_version,
        ---------- timestamps
        extracted_at
    from source
)

select * from renamed
