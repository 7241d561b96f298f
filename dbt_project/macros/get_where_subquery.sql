{#- Tests scale with what changed (issue 9). dbt wraps the model a generic test reads in `get_where_subquery`; here
    a test whose verdict on a row depends only on rows of the same report reads only the rows of this run's reports
    (int_changes__reports: every report on `make rebuild` or a first build, so there it reads every row).

    Which models: var `changed_rows_scope` maps a model to the column holding its report id. Which tests: row-level
    ones (not_null, not_null_columns, accepted_values, expression_is_true, code_in_codebook, not_null_where), and
    grain tests whose key includes that column (unique, unique_combination, identity_holds per report): a duplicate or a broken
    identity lies inside one report. Everything else (relationships, singular tests such as nothing-lost, models
    not in the map) stays table-wide, and so does a test dbt may run before int_changes__reports is rebuilt (one
    that neither reads it nor tests a model built from it). The test's own `where` config still applies. -#}
{% macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set conditions = ['(' ~ where ~ ')'] if where else [] -%}
    {%- set column = changed_rows_column(relation) -%}
    {%- if column and not execute -%}
        {%- do ref('int_changes__reports') -%}  {#- recorded as a dependency: the test runs after this run's set -#}
    {%- elif column and runs_after_changes() -%}
        {%- set changes = graph.nodes[changes_node()].relation_name -%}
        {%- do conditions.append(column ~ ' in (select report_id from ' ~ changes ~ ')') -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{% macro changes_node() -%}{{ return('model.' ~ project_name ~ '.int_changes__reports') }}{%- endmacro %}

{#- The tested model's name: at parse time `relation` is a placeholder named after the test. -#}
{% macro tested_model(relation) -%}
    {%- set test = model.get('test_metadata') if model is mapping else none -%}
    {%- set tested = ((test or {}).get('kwargs') or {}).get('model', '') -%}
    {{ return(tested.split("ref('")[1].split("'")[0] if "ref('" in tested else relation.identifier) }}
{%- endmacro %}

{#- The report-id column this test may be scoped by (none: the test reads the whole model). -#}
{% macro changed_rows_column(relation) -%}
    {%- set test = model.get('test_metadata') if model is mapping else none -%}
    {%- if not test -%}{{ return(none) }}{%- endif -%}
    {%- set kwargs = test.get('kwargs') or {} -%}
    {%- set column = var('changed_rows_scope', {}).get(tested_model(relation)) -%}
    {%- if not column -%}{{ return(none) }}{%- endif -%}
    {%- if test.name in ('not_null', 'not_null_columns', 'accepted_values', 'expression_is_true', 'code_in_codebook', 'not_null_where') -%}
        {{ return(column) }}
    {%- elif test.name == 'unique' and kwargs.get('column_name') == column -%}
        {{ return(column) }}
    {%- elif test.name == 'unique_combination' and column in kwargs.get('columns', []) -%}
        {{ return(column) }}
    {%- elif test.name == 'identity_holds' and column in kwargs.get('group_by', []) -%}
        {{ return(column) }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}

{#- True when this test runs after int_changes__reports: it depends on it, or on a model built from it. -#}
{% macro runs_after_changes() -%}
    {%- set target_id = changes_node() -%}
    {%- set seen = [] -%}
    {%- set todo = model.depends_on.nodes | list -%}
    {#- breadth-first over the ancestors (Jinja has no while: the loop grows its own list) -#}
    {%- for uid in todo if uid not in seen -%}
        {%- do seen.append(uid) -%}
        {%- if uid == target_id -%}{{ return(true) }}{%- endif -%}
        {%- set node = graph.nodes.get(uid) -%}
        {%- if node -%}{%- do todo.extend(node.depends_on.nodes) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}
