-- 抽取复核清单: marts.rpt_extraction_review when the snapshot has it, else empty (see initialize.sql). Its columns
-- are read by name from each row's JSON, so the page does not depend on the mart's exact shape. Row seq = 0 is a
-- sentinel: Evidence cannot load a source with no rows.
with review as (
    select to_json(r) as j from extraction_review r
)
select 0 as seq, null::varchar as report_id, null::varchar as agency_name, null::integer as report_year,
    null::varchar as reason, null::varchar as detail
union all
select
    row_number() over () as seq,
    json_extract_string(j, '$.report_id'),
    coalesce(json_extract_string(j, '$.agency_name'), json_extract_string(j, '$.body_name')),
    try_cast(json_extract_string(j, '$.report_year') as integer),
    coalesce(json_extract_string(j, '$.reason'), json_extract_string(j, '$.review_reason'),
        json_extract_string(j, '$.message')),
    j::varchar
from review
