-- 模板与抽取质量 (marts.rpt_report_quality): conformance and rules per current report.
select
    q.*,
    coalesce(q.template, 'unknown') as template_era,
    '/docs/' || q.report_id || '/index.html' as document_link
from marts.rpt_report_quality q
