-- One row per current report: template conformance against the codebook, the rules that apply to its template
-- and how many it passed or failed (by severity), provenance completeness, and whether it is the chosen report.
{{ config(pre_hook="{{ delete_scope() }}") }}
-- depends_on: {{ ref('int_changes__reports') }}
with reports as (
    select * from {{ ref('int_reports__current') }}
),

chosen as (
    select report_id from {{ ref('int_reports__deduplicated') }}
),

codebook as (
    select * from {{ ref('stg_reference__codebook') }}
),

rules as (
    select * from {{ ref('stg_reference__rules') }}
),

failures as (
    select * from {{ ref('rpt_rule_failures') }}
    where report_id in (select report_id from {{ ref('int_changes__reports') }})
),

expected_rows as (
    select template_era, table_code, code as row_code
    from codebook
    where dimension = 'row' and table_code <> 'prose_metrics'
),

present_rows as (
    select distinct report_id, table_code, row_code
    from {{ ref('stg_annual_reports__figures') }}
    where is_mapped and table_code <> 'prose_metrics'
        and report_id in (select report_id from {{ ref('int_changes__reports') }})
),

conformance as (
    select
        reports.report_id,
        count(expected_rows.row_code) as n_rows_expected,
        count(present_rows.row_code) as n_rows_present
    from reports
    left join expected_rows on expected_rows.template_era = reports.template_era
    left join present_rows
        on present_rows.report_id = reports.report_id
        and present_rows.table_code = expected_rows.table_code
        and present_rows.row_code = expected_rows.row_code
    group by reports.report_id
),

applicable as (
    select reports.report_id, rules.rule_id, rules.severity
    from reports
    inner join rules
        on list_contains(string_split(rules.templates, '|'), reports.template)
        or rules.templates = 'any'
),

failed as (
    select distinct report_id, rule_id, severity
    from failures
),

rule_counts as (
    select
        reports.report_id,
        count(distinct applicable.rule_id) as n_rules_evaluated,
        count(distinct applicable.rule_id) filter (where failed.rule_id is null) as n_rules_passed,
        count(distinct applicable.rule_id) filter (where failed.rule_id is not null) as n_rules_failed,
        string_agg(distinct applicable.rule_id, ',' order by applicable.rule_id) as rules_evaluated
    from reports
    left join applicable on applicable.report_id = reports.report_id
    left join failed on failed.report_id = applicable.report_id and failed.rule_id = applicable.rule_id
    group by reports.report_id
),

failed_counts as (
    select
        report_id,
        count(distinct rule_id) filter (where severity = 'error') as n_rules_failed_error,
        count(distinct rule_id) filter (where severity <> 'error') as n_rules_failed_warning,
        string_agg(distinct rule_id, ',' order by rule_id) as rules_failed
    from failed
    group by report_id
),

confidence as (
    select * from {{ ref('stg_annual_reports__report_confidence') }}
),

in_review as (
    select report_id, count(*) as n_cells_in_review
    from {{ ref('rpt_extraction_review') }}
    group by report_id
),

final as (
    select
        reports.report_id,
        reports.agency_id,
        reports.agency_name,
        reports.report_year,
        reports.template,
        reports.source_path,
        reports.report_id in (select report_id from chosen) as is_chosen,
        ---------- conformance
        conformance.n_rows_expected,
        conformance.n_rows_present,
        conformance.n_rows_present / nullif(conformance.n_rows_expected, 0) as conformance,
        ---------- rules
        rule_counts.rules_evaluated,
        rule_counts.n_rules_evaluated,
        rule_counts.n_rules_passed,
        rule_counts.n_rules_failed,
        coalesce(failed_counts.n_rules_failed_error, 0) as n_rules_failed_error,
        coalesce(failed_counts.n_rules_failed_warning, 0) as n_rules_failed_warning,
        failed_counts.rules_failed,
        ---------- provenance
        reports.n_figures,
        reports.n_figures_located,
        reports.n_figures_located / nullif(reports.n_figures, 0) as provenance_completeness,
        ---------- extraction confidence
        confidence.n_cells_located,
        confidence.n_cells_inferred,
        confidence.n_cells_blank,
        confidence.identities_hold,
        coalesce(in_review.n_cells_in_review, 0) as n_cells_in_review
    from reports
    inner join conformance on reports.report_id = conformance.report_id
    inner join rule_counts on reports.report_id = rule_counts.report_id
    left join failed_counts on reports.report_id = failed_counts.report_id
    left join confidence on reports.report_id = confidence.report_id
    left join in_review on reports.report_id = in_review.report_id
)

select * from final
