-- Every raw marketing spend row, parsed, with its outcome (staged / set aside /
-- deleted / duplicate re-sync). stg_marketing__spend keeps the staged rows.
-- The table has no id: spend_id is composed from spend_date|channel|campaign_id|
-- campaign_name (NULL when the date or channel is missing, which sets the row aside),
-- so a row landed twice (the same file re-exported) counts once and the last copy wins.
-- A negative or non-numeric amount or an unparseable date sets the row aside.
with

source as (
    select * from {{ source('marketing', 'spend') }}
),

parsed as (
    select
        {{ mqx_clean_text('channel') }} as channel,
        {{ mqx_clean_text('campaign_id') }} as campaign_id,
        {{ mqx_clean_text('campaign_name') }} as campaign_name,
        {{ mqx_parse_amount('amount_usd') }} as amount_usd,
        {{ mqx_parse_boolean('_fivetran_deleted') }} as is_fivetran_deleted,
        {{ mqx_clean_text('_fivetran_deleted') }} as raw_fivetran_deleted,
        {{ mqx_parse_date('spend_date') }} as spend_date,
        {{ mqx_parse_timestamp('_fivetran_synced') }} as fivetran_synced_at,
        {{ mqx_clean_text('spend_date') }} as raw_spend_date,
        {{ mqx_clean_text('amount_usd') }} as raw_amount_usd,
        {{ mqx_landing_lineage() }}
    from source
),

keyed as (
    select
        *,
        case
            when spend_date is not null and channel is not null
                then cast(spend_date as {{ dbt.type_string() }})
                    || '|' || channel
                    || '|' || coalesce(campaign_id, '')
                    || '|' || coalesce(campaign_name, '')
        end as spend_id,
        coalesce(raw_spend_date, '')
        || '|' || coalesce(channel, '')
        || '|' || coalesce(campaign_id, '')
        || '|' || coalesce(campaign_name, '') as raw_id
    from parsed
),

checked as (
    select
        *,
        case
            when spend_date is null
                then 'unparseable spend_date: ' || coalesce(raw_spend_date, 'NULL')
            when channel is null then 'missing channel'
            when raw_amount_usd is null then 'missing amount_usd'
            when amount_usd is null then 'unparseable amount_usd: ' || raw_amount_usd
            when amount_usd < 0 then 'negative amount_usd: ' || raw_amount_usd
            when raw_fivetran_deleted is not null and is_fivetran_deleted is null
                then 'unrecognised _fivetran_deleted value: ' || raw_fivetran_deleted
        end as set_aside_reason
    from keyed
),

final as (
    {{ mqx_resolve_rows(
        'checked', 'spend_id',
        synced_column='fivetran_synced_at',
        deleted_columns=['is_fivetran_deleted']
    ) }}
)

select * from final
