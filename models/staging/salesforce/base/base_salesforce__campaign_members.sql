-- Every raw Salesforce campaign member row, parsed, with its outcome (staged / set
-- aside / deleted / duplicate re-sync). stg_salesforce__campaign_members keeps the
-- staged rows. created_date is optional in the contract: a missing one is fine, an
-- unparseable or future one sets the row aside.
{{ config(
    materialized=mqx_event_materialization(),
    unique_key='_mqx_row_number',
    on_schema_change='fail',
) }}

with

source as (
    select * from {{ source('salesforce', 'campaign_member') }}
    {{ mqx_only_new_files() }}
),

parsed as (
    select
        {{ mqx_clean_text('id') }} as campaign_member_id,
        {{ mqx_clean_text('campaign_id') }} as campaign_id,
        {{ mqx_clean_text('lead_id') }} as lead_id,
        {{ mqx_clean_text('contact_id') }} as contact_id,
        {{ mqx_clean_text('status') }} as member_status,
        coalesce({{ mqx_parse_boolean('has_responded') }}, false) as has_responded,
        {{ mqx_parse_boolean('is_deleted') }} as is_deleted,
        {{ mqx_parse_boolean('_fivetran_deleted') }} as is_fivetran_deleted,
        {{ mqx_clean_text('is_deleted') }} as raw_is_deleted,
        {{ mqx_clean_text('_fivetran_deleted') }} as raw_fivetran_deleted,
        {{ mqx_parse_date('first_responded_date') }} as first_responded_date,
        {{ mqx_parse_timestamp('created_date') }} as created_at,
        {{ mqx_parse_timestamp('_fivetran_synced') }} as fivetran_synced_at,
        id as raw_id,
        {{ mqx_clean_text('first_responded_date') }} as raw_first_responded_date,
        {{ mqx_clean_text('created_date') }} as raw_created_date,
        {{ mqx_landing_lineage() }}
    from source
),

checked as (
    select
        *,
        case
            when campaign_member_id is null then 'missing id'
            when campaign_id is null then 'missing campaign_id'
            when raw_created_date is not null and created_at is null
                then 'unparseable created_date: ' || raw_created_date
            when {{ mqx_is_in_the_future('created_at') }}
                then 'created_date in the future'
            when raw_first_responded_date is not null and first_responded_date is null
                then 'unparseable first_responded_date: ' || raw_first_responded_date
            when raw_is_deleted is not null and is_deleted is null
                then 'unrecognised is_deleted value: ' || raw_is_deleted
            when raw_fivetran_deleted is not null and is_fivetran_deleted is null
                then 'unrecognised _fivetran_deleted value: ' || raw_fivetran_deleted
        end as set_aside_reason
    from parsed
),

final as (
    {{ mqx_resolve_rows(
        'checked', 'campaign_member_id',
        synced_column='fivetran_synced_at',
        deleted_columns=['is_deleted', 'is_fivetran_deleted']
    ) }}
)

select * from final
