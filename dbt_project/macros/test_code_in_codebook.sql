{#- Generic test: every value of the column is a code of the codebook seed for that table and dimension (row or
    column), i.e. a relationship to stg_reference__codebook restricted to one table. -#}
{% test code_in_codebook(model, column_name, table_code, dimension) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null
    and {{ column_name }} not in (
        select code
        from {{ ref('stg_reference__codebook') }}
        where table_code = '{{ table_code }}' and dimension = '{{ dimension }}'
    )
{% endtest %}
