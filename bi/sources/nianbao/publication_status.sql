-- 迟报与未报 (marts.rpt_missing_publishers): every expected body and year whose report is not on time.
select
    body_id, agency_id, body_name, region_code, coalesce(province, '（未识别省份）') as province, city, county,
    level, kind_of_body, report_year,
    publication_status,
    case publication_status
        when 'missing' then '未找到' when 'late' then '逾期发布' when 'early' then '年度结束前发布'
        when 'no_date' then '无发布日期' else publication_status
    end as status_zh,
    case level
        when 'national' then '中央' when 'provincial' then '省级' when 'prefecture' then '地市级'
        when 'county' then '县级' when 'township' then '乡镇街道' else '未识别'
    end as level_zh,
    expected_because,
    case expected_because
        when 'region_table' then '行政区划名录' when 'published_before' then '往年发布过'
        else '本年首次发布'
    end as expected_because_zh,
    first_report_year, last_report_year, report_id, published_date, deadline_date, days_late,
    case when agency_id is not null then '/bodies/' || agency_id end as body_link
from marts.rpt_missing_publishers
