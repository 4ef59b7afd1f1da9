-- Every raw Salesforce account row, parsed, with its outcome (staged / set aside /
-- deleted / duplicate re-sync). stg_salesforce__accounts keeps the staged rows;
-- stg_audit__rows_set_aside lists the rest.

with

source as (
    select * from {{ source('salesforce', 'account') }}
),

parsed as (
    select
        {{ mqx_clean_text('id') }} as account_id,
        {{ mqx_clean_text('name') }} as account_name,
        {{ mqx_clean_domain('website') }} as account_domain,
        {{ mqx_clean_text('industry') }} as industry,
        {{ mqx_clean_text('billing_country') }} as billing_country,
        {{ mqx_clean_text('type') }} as account_type,
        {{ mqx_clean_text('owner_id') }} as owner_id,
        {{ mqx_try_cast(mqx_parse_number('number_of_employees'), 'integer') }}
            as number_of_employees,
        {{ mqx_parse_number('annual_revenue') }} as annual_revenue,
        {{ mqx_parse_boolean('is_deleted') }} as is_deleted,
        {{ mqx_parse_boolean('_fivetran_deleted') }} as is_fivetran_deleted,
        {{ mqx_clean_text('is_deleted') }} as raw_is_deleted,
        {{ mqx_clean_text('_fivetran_deleted') }} as raw_fivetran_deleted,
        {{ mqx_parse_timestamp('created_date') }} as created_at,
        {{ mqx_parse_timestamp('_fivetran_synced') }} as fivetran_synced_at,
        id as raw_id,
        created_date as raw_created_date,
        {{ mqx_landing_lineage() }}
    from source
),

checked as (
    select
        *,
        case
            when account_id is null then 'missing id'
            when created_at is null
                then 'unparseable created_date: ' || coalesce(raw_created_date, 'NULL')
            when {{ mqx_is_in_the_future('created_at') }}
                then 'created_date in the future'
            when account_name is null then 'missing name'
            when raw_is_deleted is not null and is_deleted is null
                then 'unrecognised is_deleted value: ' || raw_is_deleted
            when raw_fivetran_deleted is not null and is_fivetran_deleted is null
                then 'unrecognised _fivetran_deleted value: ' || raw_fivetran_deleted
        end as set_aside_reason
    from parsed
),

final as (
    {{ mqx_resolve_rows(
        'checked', 'account_id',
        synced_column='fivetran_synced_at',
        deleted_columns=['is_deleted', 'is_fivetran_deleted']
    ) }}
)

select * from final
