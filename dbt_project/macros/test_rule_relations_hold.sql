{#- Generic test on the residual model: every evaluated rule instance of the given catalogue severity holds within
    its tolerance. Failing rows are the broken instances (report, rule, instance, lhs, rhs, residual). -#}
{% test rule_relations_hold(model, rule_severity) %}
select report_id, rule_id, instance_id, lhs_value, rhs_value, residual
from {{ model }}
where severity = '{{ rule_severity }}' and not holds
{% endtest %}
