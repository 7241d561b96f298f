-- One row per body and report year (the chosen report): applications, outcomes and rates, review and
-- litigation, proactive disclosure, from whichever template the report used (表三/表四/表二, the 统计表, or prose).
{{ config(pre_hook="{{ delete_scope() }}") }}
-- depends_on: {{ ref('int_changes__reports') }}
with reports as (
    select * from {{ ref('dim_reports') }}
    where report_id in (select report_id from {{ ref('int_changes__reports') }})
),

figures as (
    select * from {{ ref('int_figures__chosen') }}
),

per_report as (
    -- one cell_sum per line, read as a table: longer lines than elsewhere
    -- noqa: disable=LT05
    select
        report_id,
        {{ cell_sum("table_code = 't3_applications' and column_code = 'total' and row_code = 'new_received'") }} as t3_received,
        {{ cell_sum("table_code = 't3_applications' and column_code = 'total' and row_code = 'total_handled'") }} as t3_handled,
        {{ cell_sum("table_code = 't3_applications' and column_code = 'total' and row_code = 'granted'") }} as t3_granted,
        {{ cell_sum("table_code = 't3_applications' and column_code = 'total' and row_code = 'partially_granted'") }} as t3_partially,
        {{ cell_sum("table_code = 't3_applications' and column_code = 'total' and starts_with(row_code, 'denied_')") }} as t3_denied,
        {{ cell_sum("table_code = 't4_review_litigation' and row_code = 'administrative_review' and column_code = 'total'") }} as t4_review,
        {{ cell_sum("table_code = 't4_review_litigation' and row_code = 'administrative_review' and column_code = 'corrected'") }} as t4_review_corrected,
        {{ cell_sum("table_code = 't4_review_litigation' and row_code = 'administrative_review' and column_code = 'pending'") }} as t4_review_pending,
        {{ cell_sum("table_code = 't4_review_litigation' and row_code like 'litigation%' and column_code = 'total'") }} as t4_litigation,
        {{ cell_sum("table_code = 't4_review_litigation' and row_code like 'litigation%' and column_code = 'corrected'") }} as t4_litigation_corrected,
        {{ cell_sum("table_code = 't4_review_litigation' and row_code like 'litigation%' and column_code = 'pending'") }} as t4_litigation_pending,
        {{ cell_sum("table_code = 't2_proactive' and row_code in ('regulations', 'normative_documents') and column_code in ('new_published', 'issued')") }} as t2_documents,
        {{ cell_sum("table_code = 'legacy_stats' and row_code = 'applications_received'") }} as legacy_received,
        {{ cell_sum("table_code = 'legacy_stats' and row_code = 'applications_answered'") }} as legacy_handled,
        {{ cell_sum("table_code = 'legacy_stats' and row_code = 'answered_granted'") }} as legacy_granted,
        {{ cell_sum("table_code = 'legacy_stats' and row_code = 'answered_partially_granted'") }} as legacy_partially,
        {{ cell_sum("table_code = 'legacy_stats' and row_code = 'answered_denied'") }} as legacy_denied,
        {{ cell_sum("table_code = 'legacy_stats' and row_code = 'review_total'") }} as legacy_review,
        {{ cell_sum("table_code = 'legacy_stats' and row_code = 'review_corrected'") }} as legacy_review_corrected,
        {{ cell_sum("table_code = 'legacy_stats' and row_code = 'litigation_total'") }} as legacy_litigation,
        {{ cell_sum("table_code = 'legacy_stats' and row_code = 'litigation_corrected'") }} as legacy_litigation_corrected,
        {{ cell_sum("table_code = 'legacy_stats' and row_code = 'proactive_total'") }} as legacy_proactive,
        {{ cell_sum("table_code = 'prose_metrics' and row_code = 'applications_received'") }} as prose_received,
        {{ cell_sum("table_code = 'prose_metrics' and row_code = 'administrative_reviews'") }} as prose_review,
        {{ cell_sum("table_code = 'prose_metrics' and row_code = 'administrative_litigations'") }} as prose_litigation,
        {{ cell_sum("table_code = 'prose_metrics' and row_code = 'proactive_disclosed'") }} as prose_proactive
    from figures
    group by report_id
),

metrics as (
    select
        reports.report_id,
        coalesce(per_report.t3_received, per_report.legacy_received, per_report.prose_received) as applications_received,
        coalesce(per_report.t3_handled, per_report.legacy_handled) as applications_handled,
        coalesce(per_report.t3_granted, per_report.legacy_granted) as applications_granted,
        coalesce(per_report.t3_partially, per_report.legacy_partially) as applications_partially_granted,
        coalesce(per_report.t3_denied, per_report.legacy_denied) as applications_denied,
        coalesce(per_report.t4_review, per_report.legacy_review, per_report.prose_review) as administrative_reviews,
        coalesce(per_report.t4_review_corrected, per_report.legacy_review_corrected) as reviews_corrected,
        case when per_report.t4_review is not null then per_report.t4_review_pending when per_report.legacy_review is not null then 0 end
            as reviews_pending,
        coalesce(per_report.t4_litigation, per_report.legacy_litigation, per_report.prose_litigation) as administrative_litigations,
        coalesce(per_report.t4_litigation_corrected, per_report.legacy_litigation_corrected) as litigations_corrected,
        case when per_report.t4_litigation is not null then per_report.t4_litigation_pending when per_report.legacy_litigation is not null then 0 end
            as litigations_pending,
        coalesce(per_report.t2_documents, per_report.legacy_proactive, per_report.prose_proactive) as proactive_disclosed,
        case
            when per_report.t2_documents is not null then 'table_2'
            when per_report.legacy_proactive is not null then 'legacy_stats'
            when per_report.prose_proactive is not null then 'prose'
        end as proactive_source,
        case
            when per_report.t3_received is not null then 'table_3'
            when per_report.legacy_received is not null then 'legacy_stats'
            when per_report.prose_received is not null then 'prose'
        end as applications_source
    from reports
    left join per_report on reports.report_id = per_report.report_id
),

final as (
    select
        ---------- ids
        reports.agency_id,
        reports.report_year,
        reports.report_id,
        reports.agency_name,
        reports.province,
        reports.city,
        reports.county,
        reports.region_code,
        reports.level,
        reports.kind_of_body,
        reports.template as source_template,
        reports.is_on_time,
        ---------- applications (表三 / 统计表 三 / prose)
        metrics.applications_received,
        metrics.applications_source,
        metrics.applications_handled,
        metrics.applications_granted,
        metrics.applications_partially_granted,
        metrics.applications_denied,
        (metrics.applications_granted + metrics.applications_partially_granted)
            / nullif(metrics.applications_handled, 0) as disclosure_rate,
        metrics.applications_denied / nullif(metrics.applications_handled, 0) as denial_rate,
        ---------- review and litigation (表四 / 统计表 四、五 / prose)
        metrics.administrative_reviews,
        metrics.reviews_corrected,
        metrics.reviews_pending,
        metrics.reviews_corrected / nullif(metrics.administrative_reviews - metrics.reviews_pending, 0)
            as review_correction_rate,
        metrics.administrative_litigations,
        metrics.litigations_corrected,
        metrics.litigations_pending,
        metrics.litigations_corrected / nullif(metrics.administrative_litigations - metrics.litigations_pending, 0)
            as litigation_correction_rate,
        ---------- proactive disclosure (表二 / 统计表 一 / prose)
        metrics.proactive_disclosed,
        metrics.proactive_source
    from reports
    inner join metrics on reports.report_id = metrics.report_id
)

select * from final
