-- One row per template era, table, dimension and code (the codebook's '|' lists exploded).
with source as (
    select * from {{ ref('codebook') }}
),

exploded as (
    select
        unnest(string_split(template, '|')) as template_era,
        table_code,
        dimension,
        code,
        label_zh,
        nullif(parent_code, '') as parent_code,
        nullif(unit, '') as unit
    from source
)

select * from exploded
