{#-
    Incremental staging of event tables. A connector lands new rows as new files; a
    re-sync of an old row (a later copy, a soft delete) also arrives in a new file. So an
    incremental run of a base_ model parses only the rows of files it has not seen, and
    resolves again (mqx_resolve_rows) every stored row whose id shows up among them: an
    id's outcome depends only on the rows carrying that id, all of which take part, so
    the result equals a full refresh. A file rewritten in place under a name already seen
    is not picked up: run with --full-refresh after replacing landed files.
-#}

{#- The materialization of the incremental models (the event-grain base_ models, the bot
    verdicts, the weekly signal features): incremental where the landing records which
    file each row came from (DuckDB), a plain table elsewhere. -#}
{% macro mqx_event_materialization() %}
    {{ return('incremental' if target.type == 'duckdb' else 'table') }}
{% endmacro %}


{#- A WHERE clause keeping only rows of files that the model has not stored yet. (`this`
    is none in unit tests, which always see a first run.) -#}
{% macro mqx_only_new_files() %}
    {%- if this is not none and is_incremental() %}
        where _mqx_file not in (
            select distinct stored._mqx_file
            from {{ this }} as stored
            where stored._mqx_file is not null
        )
    {%- endif %}
{% endmacro %}


{#- The rows mqx_resolve_rows decides on: the new rows, plus (incremental runs) the
    stored rows sharing an id with a new row. -#}
{% macro mqx_rows_to_resolve(relation, id_column) %}
    {%- if this is not none and is_incremental() -%}
        {%- set columns = [] -%}
        {%- for column in adapter.get_columns_in_relation(this) -%}
            {%- if column.name != 'row_outcome' -%}
                {%- do columns.append(column.name) -%}
            {%- endif -%}
        {%- endfor -%}
        (
            select {{ columns | join(', ') }}
            from {{ relation }}
            union all
            select {{ columns | join(', ') }}
            from {{ this }}
            where {{ id_column }} in (
                select new_rows.{{ id_column }}
                from {{ relation }} as new_rows
                where new_rows.{{ id_column }} is not null
            )
        ) as rows_to_resolve
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{% endmacro %}
