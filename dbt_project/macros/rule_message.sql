{#- A catalogue message with its placeholders filled in (nianbao.rules.message): each `{name}` of the template
    replaced by its value in a map of '{name}' -> text; a placeholder the map lacks is left as written. -#}
{% macro rule_message(template, values) -%}
    array_to_string(
        list_transform(
            regexp_split_to_array({{ template }}, '\{[^{}]*\}'),
            (piece, i) -> piece || coalesce(
                {{ values }}[regexp_extract_all({{ template }}, '\{[^{}]*\}')[i]],
                regexp_extract_all({{ template }}, '\{[^{}]*\}')[i],
                ''
            )
        ),
        ''
    )
{%- endmacro %}
