-- Human email clicks: the staged clicks minus those base_marketo__email_bot_verdicts
-- judged machine-made (listed, with the rule, in stg_marketo__email_bot_activities).
with

email_clicks as (
    select * from {{ ref('base_marketo__email_clicks') }}
    where row_outcome = 'staged'
),

bot_clicks as (
    select email_activity_id
    from {{ ref('base_marketo__email_bot_verdicts') }}
    where activity_type = 'click' and is_bot
),

human_clicks as (
    select email_clicks.*
    from email_clicks
    left join bot_clicks
        on email_clicks.email_click_id = bot_clicks.email_activity_id
    where bot_clicks.email_activity_id is null
),

final as (
    select
        email_click_id,
        marketo_lead_id,
        campaign_id,
        email_template_id,
        link_url,
        user_agent,
        device,
        platform,
        client_ip_address,
        is_mobile_device,
        clicked_at
    from human_clicks
)

select * from final
