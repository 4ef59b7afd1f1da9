-- Every raw Segment identify call, parsed, with its outcome (staged / set aside /
-- duplicate delivery: the last copy read wins). stg_segment__identifies keeps the staged
-- rows; stg_audit__rows_set_aside lists the rest.
{{ config(
    materialized=mqx_event_materialization(),
    unique_key='_mqx_row_number',
    on_schema_change='fail',
) }}

with

source as (
    select * from {{ source('segment', 'identifies') }}
    {{ mqx_only_new_files() }}
),

parsed as (
    select
        {{ mqx_clean_text('id') }} as identify_id,
        {{ mqx_clean_text('anonymous_id') }} as anonymous_id,
        {{ mqx_clean_text('user_id') }} as user_id,
        {{ mqx_clean_email('email') }} as email,
        {{ mqx_parse_timestamp('timestamp') }} as identified_at,
        id as raw_id,
        timestamp as raw_timestamp,
        {{ mqx_landing_lineage() }}
    from source
),

checked as (
    select
        *,
        {{ mqx_email_domain('email') }} as email_domain,
        case
            when identify_id is null then 'missing id'
            when identified_at is null
                then 'unparseable timestamp: ' || coalesce(raw_timestamp, 'NULL')
        end as set_aside_reason
    from parsed
),

final as (
    {{ mqx_resolve_rows('checked', 'identify_id') }}
)

select * from final
