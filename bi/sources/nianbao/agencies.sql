-- 机关: one row per canonical body (marts.dim_agencies) and how many years it published.
select
    a.agency_id, a.agency_name, a.region_code, a.province, a.city, a.county, a.level, a.kind_of_body,
    count(r.report_id) as n_reports,
    min(r.report_year) as first_report_year,
    max(r.report_year) as last_report_year,
    '/bodies/' || a.agency_id as body_link
from marts.dim_agencies a
left join marts.dim_reports r on r.agency_id = a.agency_id
group by all
