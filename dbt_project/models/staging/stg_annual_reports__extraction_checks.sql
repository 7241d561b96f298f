-- One row per report × failed rule instance × cell read a second time, and per cell of an extraction doubt.
with source as (
    select * from {{ source('raw', 'extraction_checks') }}
),

renamed as (
    select
        ---------- ids
        report_id,
        check_seq,
        finding_seq,
        ---------- the rule and the cell
        rule_id,
        message as rule_message,
        table_code,
        row_code,
        column_code,
        ---------- the two readings
        primary_value,
        second_value,
        second_text,
        reading as second_reading,
        lower(verdict) as verdict,
        lower(rule_verdict) as rule_verdict,
        ---------- where the primary reading found the cell, and where the second did
        page,
        table_index,
        row_index,
        column_index,
        char_start,
        char_end,
        second_location as second_location_json
    from source
)

select * from renamed
