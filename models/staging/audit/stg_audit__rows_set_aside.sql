-- Every raw row that staging set aside, from every source table, with the reason.
-- This is where an analyst looks when counts do not add up: nothing is dropped silently.
{% set base_models = mqx_base_models() %}

with

{% for base in base_models %}
    {{ base.model }} as (
        select
            '{{ base.source }}' as source_name,
            '{{ base.table }}' as source_table,
            cast(raw_id as {{ dbt.type_string() }}) as raw_id,
            set_aside_reason,
            _mqx_file as source_file,
            _mqx_row_number as landed_row_number,
            -- the row's number in its file, from 1 (see mqx_landing_lineage)
            mod(_mqx_row_number, 4294967296) + 1 as source_row_number
        from {{ ref(base.model) }}
        where row_outcome = 'set_aside'
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
        source_name || '.' || source_table || ':'
        || coalesce(cast(landed_row_number as {{ dbt.type_string() }}), '')
        || ':' || coalesce(raw_id, '') as set_aside_row_id,
        source_name,
        source_table,
        raw_id,
        set_aside_reason,
        source_file,
        source_row_number
    from unioned
)

select * from final
