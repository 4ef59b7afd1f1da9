-- Every raw Salesforce contact row, parsed, with its outcome (staged / set aside /
-- deleted / duplicate re-sync). stg_salesforce__contacts keeps the staged rows.

with

source as (
    select * from {{ source('salesforce', 'contact') }}
),

parsed as (
    select
        {{ mqx_clean_text('id') }} as contact_id,
        {{ mqx_clean_text('account_id') }} as account_id,
        {{ mqx_clean_email('email') }} as email,
        {{ mqx_clean_text('first_name') }} as first_name,
        {{ mqx_clean_text('last_name') }} as last_name,
        {{ mqx_clean_text('title') }} as title,
        {{ mqx_clean_text('lead_source') }} as lead_source,
        {{ mqx_parse_boolean('is_deleted') }} as is_deleted,
        {{ mqx_parse_boolean('_fivetran_deleted') }} as is_fivetran_deleted,
        {{ mqx_clean_text('is_deleted') }} as raw_is_deleted,
        {{ mqx_clean_text('_fivetran_deleted') }} as raw_fivetran_deleted,
        {{ mqx_parse_timestamp('created_date') }} as created_at,
        {{ mqx_parse_timestamp('_fivetran_synced') }} as fivetran_synced_at,
        id as raw_id,
        email as raw_email,
        created_date as raw_created_date,
        {{ mqx_landing_lineage() }}
    from source
),

checked as (
    select
        *,
        {{ mqx_email_domain('email') }} as email_domain,
        case
            when contact_id is null then 'missing id'
            when created_at is null
                then 'unparseable created_date: ' || coalesce(raw_created_date, 'NULL')
            when {{ mqx_is_in_the_future('created_at') }}
                then 'created_date in the future'
            when raw_is_deleted is not null and is_deleted is null
                then 'unrecognised is_deleted value: ' || raw_is_deleted
            when raw_fivetran_deleted is not null and is_fivetran_deleted is null
                then 'unrecognised _fivetran_deleted value: ' || raw_fivetran_deleted
        end as set_aside_reason
    from parsed
),

final as (
    {{ mqx_resolve_rows(
        'checked', 'contact_id',
        synced_column='fivetran_synced_at',
        deleted_columns=['is_deleted', 'is_fivetran_deleted']
    ) }}
)

select * from final
