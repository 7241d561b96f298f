{# sqlfluff only (.sqlfluff load_macros_from_path): dbt's env_var, which the jinja templater's builtins lack; lint
   renders the default, as dbt would with the variable unset. #}
{% macro env_var(name, default='') -%}{{ default }}{%- endmacro %}
