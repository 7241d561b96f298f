-- 规则失败 (marts.rpt_rule_failures): one row per failed rule instance and cell, with a link that opens the
-- served copy of the source document at the cell (docs/<sha256>/, anchor c<char_start>) or at its page.
-- A corpus without failures still yields one sentinel row (failure_id null): Evidence cannot load an empty source.
select
    f.failure_id, f.rule_id, f.severity, f.rule_scope, f.rule_statement, f.message, f.detected_by,
    f.report_id, f.related_report_id, f.agency_id, f.agency_name, f.report_year, f.template,
    f.table_code, f.row_code, f.column_code, f.value, f.page, f.table_index, f.row_index, f.column_index,
    f.char_start, f.char_end,
    c.label_zh as cell_label,
    case when f.value = floor(f.value) then format('{:,}', f.value::bigint) else f.value::varchar end as value_text,
    r.file_format,
    '/docs/' || f.report_id || '/index.html'
        || case when f.char_start is not null then '#c' || f.char_start else '' end as document_link,
    case when f.page is not null and r.file_format = 'pdf'
        then '/docs/' || f.report_id || '/page-' || f.page || '.html' end as page_link,
    '/bodies/' || f.agency_id as body_link
from marts.rpt_rule_failures f
left join (
    select distinct report_id, table_code, row_code, column_code, label_zh
    from marts.fct_report_figures
) c using (report_id, table_code, row_code, column_code)
left join (select distinct source_sha256, file_format from marts.dim_report_files) r
    on r.source_sha256 = f.report_id
union all by name
select null::varchar as failure_id
where not exists (select 1 from marts.rpt_rule_failures)
