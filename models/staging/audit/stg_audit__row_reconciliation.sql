-- One row per source table: how many raw rows landed and where each of them went.
-- raw_rows = staged_rows + set_aside_rows + deleted_rows + duplicate_rows always; the
-- singular test assert_raw_rows_reconcile checks it against the raw tables themselves.
{% set base_models = mqx_base_models() %}

with

{% for base in base_models %}
    {{ base.model }} as (
        select
            '{{ base.source }}' as source_name,
            '{{ base.table }}' as source_table,
            count(*) as raw_rows,
            {{ mqx_count_if("row_outcome = 'staged'") }} as staged_rows,
            {{ mqx_count_if("row_outcome = 'set_aside'") }} as set_aside_rows,
            {{ mqx_count_if("row_outcome = 'deleted'") }} as deleted_rows,
            {{ mqx_count_if("row_outcome = 'duplicate'") }} as duplicate_rows
        from {{ ref(base.model) }}
    ),

{% endfor %}

unioned as (
    {% for base in base_models %}
        select * from {{ base.model }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        source_name || '.' || source_table as source_table_id,
        source_name,
        source_table,
        raw_rows,
        staged_rows,
        set_aside_rows,
        deleted_rows,
        duplicate_rows
    from unioned
)

select * from final
