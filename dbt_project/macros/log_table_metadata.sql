{#- After every model and seed (post-hook, dbt_project.yml): its row count (not for views: counting runs the view)
    and column types, read on dbt's own connection in one query, as one log line `nianbao_table_metadata {json}` that
    the pipeline turns into the asset's dagster/row_count and dagster/column_schema (assets/dbt_output.py).
    Renders no SQL. -#}
{% macro log_table_metadata() %}
    {%- if execute -%}
        {%- set counted = config.get('materialized') != 'view' -%}
        {%- set described = run_query(
            'select column_name, column_type, '
            ~ ('(select count(*) from ' ~ this ~ ')' if counted else 'null')
            ~ ' as row_count from (describe ' ~ this ~ ')'
        ) -%}
        {%- set columns = [] -%}
        {%- for row in described.rows -%}
            {%- do columns.append([row[0], row[1]]) -%}
        {%- endfor -%}
        {%- set row_count = (described.rows[0][2] | int) if counted and described.rows else none -%}
        {%- do log('nianbao_table_metadata ' ~ tojson({'row_count': row_count, 'columns': columns}), info=true) -%}
    {%- endif -%}
{% endmacro %}
