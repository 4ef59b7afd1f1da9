{#-
    The last step of every base_ staging model: decide what happens to each raw row.

    row_outcome is exactly one of
      'set_aside'  the row has no id, or the model's checks gave it a set_aside_reason;
      'duplicate'  an older copy of an id that a connector re-sync landed again
                   (the copy with the latest synced_column wins; without one, the last
                   row read wins);
      'deleted'    the winning copy is soft-deleted (any of deleted_columns is true);
      'staged'     everything else: the stg_ model keeps exactly these rows.
    Every raw row gets one outcome, so raw = staged + set_aside + deleted + duplicate.

    On incremental runs the rows to decide on include the stored rows sharing an id
    with a new row (mqx_rows_to_resolve), so outcomes equal a full refresh.
    `relation` is the CTE holding the parsed rows with a `set_aside_reason` column
    (NULL when the row is fine) and the landing's _mqx_row_number.
-#}
{% macro mqx_resolve_rows(relation, id_column, synced_column=none, deleted_columns=[]) %}
    select
        *,
        case
            when {{ id_column }} is null then 'set_aside'
            when row_number() over (
                partition by {{ id_column }}
                order by
                    {% if synced_column %}{{ synced_column }} desc nulls last,{% endif %}
                    _mqx_row_number desc nulls last
            ) > 1 then 'duplicate'
            {% if deleted_columns %}
                when
                    {% for column in deleted_columns -%}
                        coalesce({{ column }}, false){% if not loop.last %} or {% endif %}
                    {%- endfor %}
                    then 'deleted'
            {% endif %}
            when set_aside_reason is not null then 'set_aside'
            else 'staged'
        end as row_outcome
    from {{ mqx_rows_to_resolve(relation, id_column) }}
{% endmacro %}
