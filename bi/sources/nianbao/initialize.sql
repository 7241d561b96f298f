-- Run by the DuckDB connector on every connection (a failing statement stops the script, silently).
-- marts.rpt_extraction_review comes with a later version of the marts: until then the review list is empty.
create or replace temp view extraction_review as
select null::varchar as report_id, null::varchar as agency_name, null::integer as report_year,
    null::varchar as reason
where false;
create or replace temp view extraction_review as select * from marts.rpt_extraction_review;
