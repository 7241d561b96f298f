{#- Generic test: the column is not null on the rows matching `condition` (a key that only some rows carry). -#}
{% test not_null_where(model, column_name, condition) %}
select *
from {{ model }}
where ({{ condition }}) and {{ column_name }} is null
{% endtest %}
