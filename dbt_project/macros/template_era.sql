{#- The codebook.csv era of a report template, from the eras seed (nianbao/spec/eras.csv): a CASE over the eras
    whose codebook_era differs from their code (pre2019_table is pre2019 there); any other template is itself.
    The seed is read when the model compiles (dbt builds it first: the ref makes it a parent). -#}
{% macro template_era(template_column) -%}
    {%- set eras = ref('eras') -%}
    {%- set renamed = [] -%}
    {%- if execute -%}
        {%- set renamed = run_query(
            "select template, codebook_era from " ~ eras
            ~ " where codebook_era is not null and codebook_era <> template order by template").rows -%}
    {%- endif -%}
    {%- if renamed | length == 0 -%}
        {{ template_column }}
    {%- else -%}
        case {{ template_column }}
        {%- for era in renamed %} when '{{ era[0] }}' then '{{ era[1] }}'{% endfor %} else {{ template_column }} end
    {%- endif -%}
{%- endmacro %}
