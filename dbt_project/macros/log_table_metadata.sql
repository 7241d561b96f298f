{#- After every model and seed (post-hook, dbt_project.yml): its row count (not for views: counting runs the view)
    and column types, read on dbt's own connection, as one log line `nianbao_table_metadata {json}` that the pipeline
    turns into the asset's dagster/row_count and dagster/column_schema (assets/dbt_output.py). Renders no SQL. -#}
{% macro log_table_metadata() %}
    {%- if execute -%}
        {%- set columns = [] -%}
        {%- for column in adapter.get_columns_in_relation(this) -%}
            {%- do columns.append([column.name, column.dtype]) -%}
        {%- endfor -%}
        {%- set row_count = none -%}
        {%- if config.get('materialized') != 'view' -%}
            {%- set row_count = run_query('select count(*) from ' ~ this).columns[0].values()[0] | int -%}
        {%- endif -%}
        {%- do log('nianbao_table_metadata ' ~ tojson({'row_count': row_count, 'columns': columns}), info=true) -%}
    {%- endif -%}
{% endmacro %}
