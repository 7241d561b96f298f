{#
  A path as the marts publish it: relative to the raw dir (NIANBAO_RAW_DIR, exported absolute by the pipeline
  before dbt runs: assets/dbt.py), never a path on the server. raw.* keeps the absolute path for the pipeline's own
  use; a path outside the raw dir (a raw dir changed since) is kept as it is.
#}
{% macro raw_relative_path(path) -%}
    {%- set root = env_var('NIANBAO_RAW_DIR', '') | trim -%}
    {%- set root = root[:-1] if root.endswith('/') else root -%}
    {%- if root -%}
        {%- set prefix = (root ~ '/') | replace("'", "''") -%}
        case when starts_with({{ path }}, '{{ prefix }}') then substr({{ path }}, length('{{ prefix }}') + 1)
            else {{ path }} end
    {%- else -%}
        {{ path }}
    {%- endif -%}
{%- endmacro %}
