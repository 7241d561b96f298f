{#- Incremental marts (issue 9): a run rebuilds only the reports and bodies it touched.
    `delete_scope` is the pre-hook of every incremental mart: on an incremental run it deletes the rows of the
    reports (or bodies) in scope, which the model's select then writes again (or not, when they are gone). -#}
{% macro delete_scope(column='report_id', scope='int_changes__reports', scope_column='report_id') -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ column }} in (select {{ scope_column }} from {{ ref(scope) }})
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- A relation of the incremental state (schema `state`), or none when it does not exist yet. -#}
{% macro state_relation(name) -%}
    {{ return(built_relation('state', name)) }}
{%- endmacro %}

{#- A table as the last build left it (read before this run rewrites it), or none when it does not exist. -#}
{% macro built_relation(schema, name) -%}
    {{ return(adapter.get_relation(database=this.database, schema=schema, identifier=name)) }}
{%- endmacro %}

{#- True when this run must rebuild everything: --full-refresh, no state yet, a state that lacks a column its YAML
    documents (written by an older version: the next build rewrites it whole), or an incremental mart whose table
    does not exist (a new mart, or one dropped by hand). -#}
{% macro scope_is_full() -%}
    {%- if not execute -%}{{ return(true) }}{%- endif -%}
    {%- if flags.FULL_REFRESH -%}{{ return(true) }}{%- endif -%}
    {%- if state_relation('mart_state__reports') is none or state_relation('mart_state__watermark') is none -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set state_columns = adapter.get_columns_in_relation(state_relation('mart_state__reports'))
        | map(attribute='name') | list -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.name == 'mart_state__reports' -%}
        {%- for column in node.columns if column not in state_columns -%}{{ return(true) }}{%- endfor -%}
    {%- endfor -%}
    {#- the state tables the marts read are the two above; the others (the snapshot's) may start late -#}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.config.materialized == 'incremental'
        and node.config.schema != 'state' -%}
        {%- if adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) is none -%}
            {{ return(true) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}

{#- Pre-hook of a state model, outside its transaction: add the columns its YAML documents (with their data_type)
    that a table written by an older version lacks. scope_is_full() saw them missing, so this build rewrites every
    row and fills them; adding them here, before the delete in the transaction, keeps DuckDB from refusing to
    alter a table it has just changed. -#}
{% macro add_documented_columns() -%}
    {%- set relation = adapter.get_relation(database=this.database, schema=this.schema, identifier=this.identifier) -%}
    {%- if relation is not none and execute -%}
        {%- set present = adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
        {%- for column in model.columns.values() if column.name not in present and column.data_type -%}
            alter table {{ relation }} add column {{ column.name }} {{ column.data_type }};
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}
