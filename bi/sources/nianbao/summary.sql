-- 总览: headline counts of the snapshot.
select
    (select count(*) from marts.dim_reports) as n_reports,
    (select count(*) from marts.dim_agencies) as n_agencies,
    (select count(*) from marts.fct_report_figures) as n_figures,
    (select count(distinct failure_id) from marts.rpt_rule_failures) as n_failures,
    (select min(report_year) from marts.dim_reports) as first_year,
    (select max(report_year) from marts.dim_reports) as last_year
