-- 覆盖漏斗 (marts.rpt_coverage_funnel), one row per report year, province and level, with the level in Chinese.
select
    *,
    case level
        when 'national' then '中央' when 'provincial' then '省级' when 'prefecture' then '地市级'
        when 'county' then '县级' when 'township' then '乡镇街道' else '未识别'
    end as level_zh
from marts.rpt_coverage_funnel
