-- Every raw Marketo email click (activity_click_email) row, parsed, with its outcome
-- (staged / set aside / duplicate re-sync). Staged rows still include machine clicks:
-- base_marketo__email_bot_verdicts judges them, stg_marketo__email_clicks keeps the human
-- ones and stg_marketo__email_bot_activities lists the rest.
{{ config(
    materialized=mqx_event_materialization(),
    unique_key='_mqx_row_number',
    on_schema_change='fail',
) }}

with

source as (
    select * from {{ source('marketo', 'activity_click_email') }}
    {{ mqx_only_new_files() }}
),

parsed as (
    select
        {{ mqx_clean_text('id') }} as email_click_id,
        {{ mqx_clean_text('lead_id') }} as marketo_lead_id,
        {{ mqx_clean_text('campaign_id') }} as campaign_id,
        {{ mqx_clean_text('email_template_id') }} as email_template_id,
        {{ mqx_clean_text('link') }} as link_url,
        {{ mqx_clean_text('user_agent') }} as user_agent,
        {{ mqx_clean_text('device') }} as device,
        {{ mqx_clean_text('platform') }} as platform,
        {{ mqx_clean_text('client_ip_address') }} as client_ip_address,
        {{ mqx_clean_text('bot_activity_pattern') }} as vendor_bot_pattern,
        {{ mqx_parse_boolean('is_mobile_device') }} as is_mobile_device,
        {{ mqx_parse_boolean('is_bot_activity') }} as is_vendor_flagged_bot,
        {{ mqx_parse_timestamp('activity_date') }} as clicked_at,
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
            when email_click_id is null then 'missing id'
            when marketo_lead_id is null then 'missing lead_id'
            when clicked_at is null
                then 'unparseable activity_date: ' || coalesce(raw_activity_date, 'NULL')
        end as set_aside_reason
    from parsed
),

final as (
    {{ mqx_resolve_rows(
        'checked', 'email_click_id', synced_column='fivetran_synced_at'
    ) }}
)

select * from final
