{#- Generic test on the residual model: every evaluated rule instance of the given catalogue severity holds within
    its tolerance. Failing rows are the broken instances (report, rule, instance, lhs, rhs, residual, and the message
    that the Dagster check's table of failing reports shows). -#}
{% test rule_relations_hold(model, rule_severity) %}
select report_id, rule_id, instance_id, lhs_value, rhs_value, residual, message
from {{ model }}
where severity = '{{ rule_severity }}' and not holds
{% endtest %}
