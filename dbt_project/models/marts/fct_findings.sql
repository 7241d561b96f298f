-- One row per report and consistency finding, with the rule's statement.
{{ config(pre_hook="{{ delete_scope() }}") }}
-- depends_on: {{ ref('int_changes__reports') }}
with findings as (
    select * from {{ ref('stg_annual_reports__findings') }}
    where report_id in (select report_id from {{ ref('int_changes__reports') }})
),

reports as (
    select * from {{ ref('int_reports__current') }}
),

rules as (
    select * from {{ ref('stg_reference__rules') }}
),

final as (
    select
        findings.report_id,
        findings.finding_seq,
        reports.source_path,
        reports.agency_name,
        reports.report_year,
        reports.template,
        findings.rule_id,
        findings.severity,
        rules.rule_statement,
        rules.rule_scope,
        findings.message,
        findings.cells_json
    from findings
    inner join reports on findings.report_id = reports.report_id
    left join rules on findings.rule_id = rules.rule_id
)

select * from final
