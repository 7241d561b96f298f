-- One row per consistency rule (rules.csv).
with source as (
    select * from {{ source('raw', 'rules') }}
),

renamed as (
    select
        rule_id,
        templates,
        scope as rule_scope,
        lower(severity) as severity,
        statement as rule_statement,
        formula
    from source
)

select * from renamed
