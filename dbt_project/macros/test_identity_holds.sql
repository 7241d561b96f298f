{#- Generic test: an arithmetic identity between aggregates holds in every group (e.g. per report and column).
    `lhs` and `rhs` are aggregate SQL expressions over the group's rows; blank cells should be coalesced to 0 in
    them. Failing rows are the groups where the two sides differ. -#}
{% test identity_holds(model, group_by, lhs, rhs) %}
select {{ group_by | join(', ') }}, {{ lhs }} as lhs_value, {{ rhs }} as rhs_value
from {{ model }}
group by {{ group_by | join(', ') }}
having abs(coalesce({{ lhs }}, 0) - coalesce({{ rhs }}, 0)) > 1e-9
{% endtest %}
