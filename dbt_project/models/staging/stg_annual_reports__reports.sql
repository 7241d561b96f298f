-- One row per parsed report (latest parse of each source content).
with source as (
    select * from {{ source('raw', 'reports') }}
),

renamed as (
    select
        ---------- ids
        report_id,
        report_id as source_sha256,
        {{ raw_relative_path('source_path') }} as parsed_path,  -- relative to NIANBAO_RAW_DIR
        ---------- publisher
        nullif(trim(agency), '') as agency_name,
        nullif(trim(province), '') as province,
        nullif(trim(city), '') as city,
        nullif(trim(county), '') as county,
        nullif(trim(region_code), '') as region_code,
        coalesce(kind_of_body, 'other') as kind_of_body,  -- nianbao.bodies: the one classification
        ---------- report
        report_year,
        template,
        {{ template_era('template') }} as template_era,
        published_on as published_date,
        deadline_date,  -- R12's deadline from nianbao.bodies (findings use the same function)
        parser_version,
        template_variant,  -- local_form: a pre-2019 local form (its own rows; no catalogue relation)
        ---------- timestamps
        extracted_at
    from source
)

select * from renamed
