-- Every raw Marketo email send (activity_send_email) row, parsed, with its outcome
-- (staged / set aside / duplicate re-sync). stg_marketo__email_sends keeps the staged
-- rows; stg_audit__rows_set_aside lists the rest.
{{ config(
    materialized=mqx_event_materialization(),
    unique_key='_mqx_row_number',
    on_schema_change='fail',
) }}

with

source as (
    select * from {{ source('marketo', 'activity_send_email') }}
    {{ mqx_only_new_files() }}
),

parsed as (
    select
        {{ mqx_clean_text('id') }} as email_send_id,
        {{ mqx_clean_text('lead_id') }} as marketo_lead_id,
        {{ mqx_clean_text('campaign_id') }} as campaign_id,
        {{ mqx_clean_text('email_template_id') }} as email_template_id,
        {{ mqx_parse_timestamp('activity_date') }} as sent_at,
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
            when email_send_id is null then 'missing id'
            when marketo_lead_id is null then 'missing lead_id'
            when sent_at is null
                then 'unparseable activity_date: ' || coalesce(raw_activity_date, 'NULL')
        end as set_aside_reason
    from parsed
),

final as (
    {{ mqx_resolve_rows(
        'checked', 'email_send_id', synced_column='fivetran_synced_at'
    ) }}
)

select * from final
