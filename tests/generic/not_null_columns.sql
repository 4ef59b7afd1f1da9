{#-
    Generic test: none of the listed columns of a model holds NULL. One scan of the model
    for all of them, where a `not_null` test per column reads it once per column: a data
    test costs dbt some 40 ms of Python on top of its query (measured on the demo world),
    so a model's not-null columns, its key among them, are checked together (the key
    keeps its own `unique`). Fails with one row per column that has NULLs: its name and
    how many rows.
-#}
{% test not_null_columns(model, column_names) %}
    with

    null_counts as (
        select
            {% for column in column_names %}
                {{ mqx_count_if(column ~ ' is null') }} as null_rows_{{ loop.index }}
                {%- if not loop.last %},{% endif %}
            {% endfor %}
        from {{ model }}
    )

    {% for column in column_names %}
        select
            '{{ column }}' as column_name,
            null_rows_{{ loop.index }} as null_rows
        from null_counts
        where null_rows_{{ loop.index }} > 0
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
{% endtest %}
