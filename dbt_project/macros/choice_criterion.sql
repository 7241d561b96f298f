{#- Why file w ranks before file l for the same body and year (dim_report_files): the first criterion of
    int_report_files__ranked's order on which they differ, in words. -#}
{% macro choice_criterion(w, l) -%}
    case
        when {{ l }}.source_sha256 is null then 'the only file for this body and year'
        when {{ w }}.source_sha256 = {{ l }}.source_sha256 then 'byte-identical copy (same sha256); the first path is kept'
        when {{ w }}.is_ok and not {{ l }}.is_ok then 'extracted (status ok) where the other file failed'
        when {{ w }}.n_mapped_values <> {{ l }}.n_mapped_values
            then 'more mapped figures with a value (' || {{ w }}.n_mapped_values || ' vs ' || {{ l }}.n_mapped_values || ')'
        when {{ w }}.n_error_findings <> {{ l }}.n_error_findings
            then 'fewer error findings (' || {{ w }}.n_error_findings || ' vs ' || {{ l }}.n_error_findings || ')'
        when {{ w }}.is_text_layer and not {{ l }}.is_text_layer
            then 'text layer rather than OCR (' || {{ w }}.file_format || ' vs ' || {{ l }}.file_format || ')'
        when {{ w }}.published_date < {{ l }}.published_date or ({{ l }}.published_date is null and {{ w }}.published_date is not null)
            then 'published earlier (' || coalesce(cast({{ w }}.published_date as varchar), '?') || ' vs '
                || coalesce(cast({{ l }}.published_date as varchar), 'no date') || ')'
        else 'all else equal: the smaller sha256'
    end
{%- endmacro %}
