{#- Generic test: every value of the column is a template code of the eras seed (nianbao/spec/eras.csv), of the
    given family (national, legacy, prose) when one is given. -#}
{% test era_of_family(model, column_name, family=none) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null
    and {{ column_name }} not in (
        select template
        from {{ ref('eras') }}
        {%- if family is not none %}
        where family = '{{ family }}'
        {%- endif %}
    )
{% endtest %}
