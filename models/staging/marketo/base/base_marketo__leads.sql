-- Every raw Marketo lead row, parsed, with its outcome (staged / set aside / deleted /
-- duplicate re-sync). stg_marketo__leads keeps the staged rows; stg_audit__rows_set_aside
-- lists the rest. A re-synced lead keeps the copy with the latest _fivetran_synced, or,
-- when the connector lands none, the latest updated_at.
with

source as (
    select * from {{ source('marketo', 'lead') }}
),

parsed as (
    select
        {{ mqx_clean_text('id') }} as marketo_lead_id,
        {{ mqx_clean_email('email') }} as email,
        {{ mqx_clean_text('first_name') }} as first_name,
        {{ mqx_clean_text('last_name') }} as last_name,
        {{ mqx_clean_text('company') }} as company_name,
        {{ mqx_clean_text('title') }} as title,
        {{ mqx_clean_text('sfdc_lead_id') }} as sfdc_lead_id,
        {{ mqx_clean_text('sfdc_contact_id') }} as sfdc_contact_id,
        {{ mqx_clean_text('sfdc_account_id') }} as sfdc_account_id,
        {{ mqx_parse_boolean('_fivetran_deleted') }} as is_fivetran_deleted,
        {{ mqx_clean_text('_fivetran_deleted') }} as raw_fivetran_deleted,
        {{ mqx_parse_timestamp('created_at') }} as created_at,
        {{ mqx_parse_timestamp('updated_at') }} as updated_at,
        {{ mqx_parse_timestamp('_fivetran_synced') }} as fivetran_synced_at,
        id as raw_id,
        {{ mqx_clean_text('email') }} as raw_email,
        {{ mqx_clean_text('created_at') }} as raw_created_at,
        {{ mqx_clean_text('updated_at') }} as raw_updated_at,
        {{ mqx_landing_lineage() }}
    from source
),

derived as (
    select
        *,
        {{ mqx_email_domain('email') }} as email_domain,
        coalesce(fivetran_synced_at, updated_at) as resync_order_at
    from parsed
),

checked as (
    select
        *,
        case
            when marketo_lead_id is null then 'missing id'
            when raw_created_at is not null and created_at is null
                then 'unparseable created_at: ' || raw_created_at
            when raw_updated_at is not null and updated_at is null
                then 'unparseable updated_at: ' || raw_updated_at
            when raw_fivetran_deleted is not null and is_fivetran_deleted is null
                then 'unrecognised _fivetran_deleted value: ' || raw_fivetran_deleted
        end as set_aside_reason
    from derived
),

final as (
    {{ mqx_resolve_rows(
        'checked', 'marketo_lead_id',
        synced_column='resync_order_at', deleted_columns=['is_fivetran_deleted']
    ) }}
)

select * from final
