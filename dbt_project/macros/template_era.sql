{#- The codebook.csv era of a report template: 'pre2019_table' is 'pre2019' there; the others are the same. -#}
{% macro template_era(template_column) -%}
    case when {{ template_column }} = 'pre2019_table' then 'pre2019' else {{ template_column }} end
{%- endmacro %}
