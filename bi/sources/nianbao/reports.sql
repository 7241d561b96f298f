-- 年报: one row per body and report year (marts.dim_reports), with the link to the served source copy.
select
    report_id, agency_id, agency_name, level, kind_of_body, province, city, county, region_code,
    report_year, template, published_date, deadline_date, is_on_time, days_late, file_format,
    regexp_extract(chosen_source_path, '[^/]+$') as file_name,
    chosen_source_sha256 as source_sha256,
    n_candidate_files, choice_reason, n_figures, n_figures_with_value, n_findings, n_error_findings,
    '/docs/' || report_id || '/index.html' as document_link
from marts.dim_reports
