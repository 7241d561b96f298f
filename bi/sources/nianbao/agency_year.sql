-- 机关年度指标 (marts.rpt_agency_year): applications, disclosure rate, reviews and litigations per body and year.
select * from marts.rpt_agency_year
