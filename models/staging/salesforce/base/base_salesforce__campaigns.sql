-- Every raw Salesforce campaign row, parsed, with its outcome (staged / set aside /
-- deleted / duplicate re-sync). stg_salesforce__campaigns keeps the staged rows.
-- A cost that is present but not a number, or negative, sets the row aside.
with

source as (
    select * from {{ source('salesforce', 'campaign') }}
),

parsed as (
    select
        {{ mqx_clean_text('id') }} as campaign_id,
        {{ mqx_clean_text('name') }} as campaign_name,
        {{ mqx_clean_text('type') }} as campaign_type,
        {{ mqx_clean_text('status') }} as campaign_status,
        {{ mqx_parse_amount('actual_cost') }} as actual_cost_usd,
        {{ mqx_parse_boolean('is_deleted') }} as is_deleted,
        {{ mqx_parse_boolean('_fivetran_deleted') }} as is_fivetran_deleted,
        {{ mqx_clean_text('is_deleted') }} as raw_is_deleted,
        {{ mqx_clean_text('_fivetran_deleted') }} as raw_fivetran_deleted,
        {{ mqx_parse_date('start_date') }} as start_date,
        {{ mqx_parse_date('end_date') }} as end_date,
        {{ mqx_parse_timestamp('_fivetran_synced') }} as fivetran_synced_at,
        id as raw_id,
        {{ mqx_clean_text('actual_cost') }} as raw_actual_cost,
        {{ mqx_clean_text('start_date') }} as raw_start_date,
        {{ mqx_clean_text('end_date') }} as raw_end_date,
        {{ mqx_landing_lineage() }}
    from source
),

checked as (
    select
        *,
        case
            when campaign_id is null then 'missing id'
            when campaign_name is null then 'missing name'
            when raw_actual_cost is not null and actual_cost_usd is null
                then 'unparseable actual_cost: ' || raw_actual_cost
            when actual_cost_usd < 0 then 'negative actual_cost: ' || raw_actual_cost
            when raw_start_date is not null and start_date is null
                then 'unparseable start_date: ' || raw_start_date
            when raw_end_date is not null and end_date is null
                then 'unparseable end_date: ' || raw_end_date
            when raw_is_deleted is not null and is_deleted is null
                then 'unrecognised is_deleted value: ' || raw_is_deleted
            when raw_fivetran_deleted is not null and is_fivetran_deleted is null
                then 'unrecognised _fivetran_deleted value: ' || raw_fivetran_deleted
        end as set_aside_reason
    from parsed
),

final as (
    {{ mqx_resolve_rows(
        'checked', 'campaign_id',
        synced_column='fivetran_synced_at',
        deleted_columns=['is_deleted', 'is_fivetran_deleted']
    ) }}
)

select * from final
