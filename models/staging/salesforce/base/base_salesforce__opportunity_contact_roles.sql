-- Every raw Salesforce opportunity contact role row, parsed, with its outcome (staged /
-- set aside / deleted / duplicate re-sync). stg_salesforce__opportunity_contact_roles
-- keeps the staged rows.
with

source as (
    select * from {{ source('salesforce', 'opportunity_contact_role') }}
),

parsed as (
    select
        {{ mqx_clean_text('id') }} as opportunity_contact_role_id,
        {{ mqx_clean_text('opportunity_id') }} as opportunity_id,
        {{ mqx_clean_text('contact_id') }} as contact_id,
        {{ mqx_clean_text('role') }} as contact_role,
        coalesce({{ mqx_parse_boolean('is_primary') }}, false) as is_primary,
        {{ mqx_parse_boolean('is_deleted') }} as is_deleted,
        {{ mqx_parse_boolean('_fivetran_deleted') }} as is_fivetran_deleted,
        {{ mqx_clean_text('is_deleted') }} as raw_is_deleted,
        {{ mqx_clean_text('_fivetran_deleted') }} as raw_fivetran_deleted,
        {{ mqx_parse_timestamp('_fivetran_synced') }} as fivetran_synced_at,
        id as raw_id,
        {{ mqx_landing_lineage() }}
    from source
),

checked as (
    select
        *,
        case
            when opportunity_contact_role_id is null then 'missing id'
            when opportunity_id is null then 'missing opportunity_id'
            when contact_id is null then 'missing contact_id'
            when raw_is_deleted is not null and is_deleted is null
                then 'unrecognised is_deleted value: ' || raw_is_deleted
            when raw_fivetran_deleted is not null and is_fivetran_deleted is null
                then 'unrecognised _fivetran_deleted value: ' || raw_fivetran_deleted
        end as set_aside_reason
    from parsed
),

final as (
    {{ mqx_resolve_rows(
        'checked', 'opportunity_contact_role_id',
        synced_column='fivetran_synced_at',
        deleted_columns=['is_deleted', 'is_fivetran_deleted']
    ) }}
)

select * from final
