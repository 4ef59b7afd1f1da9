-- Every raw Salesforce opportunity row, parsed, with its outcome (staged / set aside /
-- deleted / duplicate re-sync). stg_salesforce__opportunities keeps the staged rows.
-- An amount that is present but not a number, or negative, sets the row aside.

with

source as (
    select * from {{ source('salesforce', 'opportunity') }}
),

parsed as (
    select
        {{ mqx_clean_text('id') }} as opportunity_id,
        {{ mqx_clean_text('account_id') }} as account_id,
        {{ mqx_clean_text('owner_id') }} as owner_id,
        {{ mqx_clean_text('name') }} as opportunity_name,
        {{ mqx_clean_text('stage_name') }} as stage_name,
        {{ mqx_clean_text('type') }} as opportunity_type,
        {{ mqx_clean_text('lead_source') }} as lead_source,
        {{ mqx_parse_amount('amount') }} as amount_usd,
        {{ mqx_parse_boolean('is_closed') }} as is_closed_raw,
        {{ mqx_parse_boolean('is_won') }} as is_won_raw,
        {{ mqx_parse_boolean('is_deleted') }} as is_deleted,
        {{ mqx_parse_boolean('_fivetran_deleted') }} as is_fivetran_deleted,
        {{ mqx_clean_text('is_deleted') }} as raw_is_deleted,
        {{ mqx_clean_text('_fivetran_deleted') }} as raw_fivetran_deleted,
        {{ mqx_parse_date('close_date') }} as close_date,
        {{ mqx_parse_timestamp('created_date') }} as created_at,
        {{ mqx_parse_timestamp('_fivetran_synced') }} as fivetran_synced_at,
        id as raw_id,
        {{ mqx_clean_text('amount') }} as raw_amount,
        {{ mqx_clean_text('close_date') }} as raw_close_date,
        created_date as raw_created_date,
        {{ mqx_landing_lineage() }}
    from source
),

checked as (
    select
        *,
        coalesce(is_closed_raw, false) as is_closed,
        coalesce(is_won_raw, false) as is_won,
        coalesce(lower(opportunity_type) = 'new business', false) as is_new_business,
        case
            when opportunity_id is null then 'missing id'
            when account_id is null then 'missing account_id'
            when created_at is null
                then 'unparseable created_date: ' || coalesce(raw_created_date, 'NULL')
            when {{ mqx_is_in_the_future('created_at') }}
                then 'created_date in the future'
            when raw_amount is not null and amount_usd is null
                then 'unparseable amount: ' || raw_amount
            when amount_usd < 0 then 'negative amount: ' || raw_amount
            when raw_close_date is not null and close_date is null
                then 'unparseable close_date: ' || raw_close_date
            when raw_is_deleted is not null and is_deleted is null
                then 'unrecognised is_deleted value: ' || raw_is_deleted
            when raw_fivetran_deleted is not null and is_fivetran_deleted is null
                then 'unrecognised _fivetran_deleted value: ' || raw_fivetran_deleted
        end as set_aside_reason
    from parsed
),

final as (
    {{ mqx_resolve_rows(
        'checked', 'opportunity_id',
        synced_column='fivetran_synced_at',
        deleted_columns=['is_deleted', 'is_fivetran_deleted']
    ) }}
)

select * from final
