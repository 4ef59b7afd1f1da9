-- Every raw Marketo form fill (activity_fill_out_form) row, parsed, with its outcome
-- (staged / set aside / duplicate re-sync). stg_marketo__form_fills keeps the staged
-- rows; stg_audit__rows_set_aside lists the rest.
{{ config(
    materialized=mqx_event_materialization(),
    unique_key='_mqx_row_number',
    on_schema_change='fail',
) }}

with

source as (
    select * from {{ source('marketo', 'activity_fill_out_form') }}
    {{ mqx_only_new_files() }}
),

parsed as (
    select
        {{ mqx_clean_text('id') }} as form_fill_id,
        {{ mqx_clean_text('lead_id') }} as marketo_lead_id,
        {{ mqx_clean_text('primary_attribute_value') }} as form_name,
        {{ mqx_clean_text('webform_id') }} as webform_id,
        {{ mqx_clean_text('referrer_url') }} as referrer_url,
        {{ mqx_clean_text('client_ip_address') }} as client_ip_address,
        {{ mqx_clean_text('user_agent') }} as user_agent,
        {{ mqx_parse_timestamp('activity_date') }} as filled_at,
        {{ mqx_parse_timestamp('_fivetran_synced') }} as fivetran_synced_at,
        id as raw_id,
        activity_date as raw_activity_date,
        {{ mqx_landing_lineage() }}
    from source
),

checked as (
    select
        *,
        case
            when form_fill_id is null then 'missing id'
            when marketo_lead_id is null then 'missing lead_id'
            when filled_at is null
                then 'unparseable activity_date: ' || coalesce(raw_activity_date, 'NULL')
        end as set_aside_reason
    from parsed
),

final as (
    {{ mqx_resolve_rows(
        'checked', 'form_fill_id', synced_column='fivetran_synced_at'
    ) }}
)

select * from final
