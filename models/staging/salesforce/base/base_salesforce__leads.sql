-- Every raw Salesforce lead row, parsed, with its outcome (staged / set aside /
-- deleted / duplicate re-sync). stg_salesforce__leads keeps the staged rows.
-- The raw status is mapped to a house status through the lead_status_map seed
-- (configuration marketing ops maintains); a status the seed does not know becomes
-- 'other' and keeps its raw text in lead_status_raw, so it is reported, not lost.

with

source as (
    select * from {{ source('salesforce', 'lead') }}
),

lead_status_map as (
    select
        lower(trim(raw_status)) as lead_status_key,
        lead_status
    from {{ ref('lead_status_map') }}
),

parsed as (
    select
        {{ mqx_clean_text('id') }} as lead_id,
        {{ mqx_clean_text('converted_account_id') }} as converted_account_id,
        {{ mqx_clean_text('converted_contact_id') }} as converted_contact_id,
        {{ mqx_clean_text('converted_opportunity_id') }} as converted_opportunity_id,
        {{ mqx_clean_email('email') }} as email,
        {{ mqx_clean_text('first_name') }} as first_name,
        {{ mqx_clean_text('last_name') }} as last_name,
        {{ mqx_clean_text('title') }} as title,
        {{ mqx_clean_text('company') }} as company_name,
        {{ mqx_clean_domain('website') }} as company_domain,
        {{ mqx_clean_text('industry') }} as industry,
        {{ mqx_clean_text('country') }} as country,
        {{ mqx_clean_text('status') }} as lead_status_raw,
        lower({{ mqx_clean_text('status') }}) as lead_status_key,
        {{ mqx_clean_text('lead_source') }} as lead_source,
        lower(replace(
            replace({{ mqx_clean_text('rejection_reason_c') }}, ' ', '_'), '-', '_'
        )) as rejection_reason,
        {{ mqx_try_cast(mqx_parse_number('number_of_employees'), 'integer') }}
            as number_of_employees,
        {{ mqx_parse_boolean('is_converted') }} as is_converted_raw,
        {{ mqx_parse_boolean('is_deleted') }} as is_deleted,
        {{ mqx_parse_boolean('_fivetran_deleted') }} as is_fivetran_deleted,
        {{ mqx_clean_text('is_deleted') }} as raw_is_deleted,
        {{ mqx_clean_text('_fivetran_deleted') }} as raw_fivetran_deleted,
        {{ mqx_parse_date('converted_date') }} as converted_date,
        {{ mqx_parse_timestamp('created_date') }} as created_at,
        {{ mqx_parse_timestamp('_fivetran_synced') }} as fivetran_synced_at,
        id as raw_id,
        email as raw_email,
        created_date as raw_created_date,
        {{ mqx_clean_text('converted_date') }} as raw_converted_date,
        {{ mqx_landing_lineage() }}
    from source
),

mapped as (
    select
        parsed.*,
        coalesce(lead_status_map.lead_status, 'other') as lead_status
    from parsed
    left join lead_status_map
        on parsed.lead_status_key = lead_status_map.lead_status_key
),

checked as (
    select
        *,
        {{ mqx_email_domain('email') }} as email_domain,
        coalesce(
            is_converted_raw,
            lead_status = 'converted' or converted_contact_id is not null
        ) as is_converted,
        case
            when lead_id is null then 'missing id'
            when created_at is null
                then 'unparseable created_date: ' || coalesce(raw_created_date, 'NULL')
            when {{ mqx_is_in_the_future('created_at') }}
                then 'created_date in the future'
            when raw_converted_date is not null and converted_date is null
                then 'unparseable converted_date: ' || raw_converted_date
            when raw_is_deleted is not null and is_deleted is null
                then 'unrecognised is_deleted value: ' || raw_is_deleted
            when raw_fivetran_deleted is not null and is_fivetran_deleted is null
                then 'unrecognised _fivetran_deleted value: ' || raw_fivetran_deleted
        end as set_aside_reason
    from mapped
),

final as (
    {{ mqx_resolve_rows(
        'checked', 'lead_id',
        synced_column='fivetran_synced_at',
        deleted_columns=['is_deleted', 'is_fivetran_deleted']
    ) }}
)

select * from final
