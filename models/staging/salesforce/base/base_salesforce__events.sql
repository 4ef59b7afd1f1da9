-- Every raw Salesforce event row, parsed, with its outcome (staged / set aside /
-- deleted / duplicate re-sync). stg_salesforce__events keeps the staged rows.
-- start_date_time may lie in the future (a meeting booked ahead); only created_date
-- is checked against the load time.
{{ config(
    materialized=mqx_event_materialization(),
    unique_key='_mqx_row_number',
    on_schema_change='fail',
) }}

with

source as (
    select * from {{ source('salesforce', 'event') }}
    {{ mqx_only_new_files() }}
),

parsed as (
    select
        {{ mqx_clean_text('id') }} as event_id,
        {{ mqx_clean_text('who_id') }} as who_id,
        {{ mqx_clean_text('what_id') }} as what_id,
        {{ mqx_clean_text('account_id') }} as account_id,
        {{ mqx_clean_text('owner_id') }} as owner_id,
        {{ mqx_clean_text('subject') }} as subject,
        {{ mqx_clean_text('type') }} as event_type,
        {{ mqx_parse_boolean('is_deleted') }} as is_deleted,
        {{ mqx_parse_boolean('_fivetran_deleted') }} as is_fivetran_deleted,
        {{ mqx_clean_text('is_deleted') }} as raw_is_deleted,
        {{ mqx_clean_text('_fivetran_deleted') }} as raw_fivetran_deleted,
        {{ mqx_parse_timestamp('start_date_time') }} as started_at,
        {{ mqx_parse_timestamp('created_date') }} as created_at,
        {{ mqx_parse_timestamp('_fivetran_synced') }} as fivetran_synced_at,
        id as raw_id,
        {{ mqx_clean_text('start_date_time') }} as raw_start_date_time,
        created_date as raw_created_date,
        {{ mqx_landing_lineage() }}
    from source
),

checked as (
    select
        *,
        coalesce(lower(event_type) = 'meeting', false) as is_meeting,
        case
            when event_id is null then 'missing id'
            when created_at is null
                then 'unparseable created_date: ' || coalesce(raw_created_date, 'NULL')
            when {{ mqx_is_in_the_future('created_at') }}
                then 'created_date in the future'
            when raw_start_date_time is not null and started_at is null
                then 'unparseable start_date_time: ' || raw_start_date_time
            when raw_is_deleted is not null and is_deleted is null
                then 'unrecognised is_deleted value: ' || raw_is_deleted
            when raw_fivetran_deleted is not null and is_fivetran_deleted is null
                then 'unrecognised _fivetran_deleted value: ' || raw_fivetran_deleted
        end as set_aside_reason
    from parsed
),

final as (
    {{ mqx_resolve_rows(
        'checked', 'event_id',
        synced_column='fivetran_synced_at',
        deleted_columns=['is_deleted', 'is_fivetran_deleted']
    ) }}
)

select * from final
