{#- The kind of a body from its canonical name: government / government_office / department / township /
    street_office / other (rules documented in models/marts/_marts__models.yml, dim_agencies). -#}
{% macro kind_of_body(name) -%}
    case
        when regexp_matches({{ name }}, '街道(办事处|办|工委)?$') then 'street_office'
        when regexp_matches({{ name }}, '(镇|乡|苏木)(人民政府)?$') then 'township'
        when regexp_matches({{ name }}, '(人民政府|政府)(办公室|办公厅|办)$') then 'government_office'
        when regexp_matches({{ name }}, '人民政府$') then 'government'
        when regexp_matches({{ name }}, '(局|厅|委员会|委|部|署|办公室|办|中心|院|所|站|队)$') then 'department'
        else 'other'
    end
{%- endmacro %}
