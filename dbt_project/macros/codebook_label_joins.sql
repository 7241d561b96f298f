{#- The codebook row and column of each figure, for its template era: left joins aliased row_labels and
    column_labels. `era` is a SQL expression giving the report's codebook era (2019, 2021, pre2019). -#}
{% macro codebook_label_joins(figures, codebook, era) %}
    left join {{ codebook }} as row_labels
        on row_labels.dimension = 'row'
        and row_labels.table_code = {{ figures }}.table_code
        and row_labels.code = {{ figures }}.row_code
        and row_labels.template_era in ({{ era }}, 'any')
    left join {{ codebook }} as column_labels
        on column_labels.dimension = 'column'
        and column_labels.table_code = {{ figures }}.table_code
        and column_labels.code = {{ figures }}.column_code
        and column_labels.template_era in ({{ era }}, 'any')
{% endmacro %}
