-- Human email opens: the staged opens minus those base_marketo__email_bot_verdicts judged
-- machine-made (listed, with the rule, in stg_marketo__email_bot_activities).
with

email_opens as (
    select * from {{ ref('base_marketo__email_opens') }}
    where row_outcome = 'staged'
),

bot_opens as (
    select email_activity_id
    from {{ ref('base_marketo__email_bot_verdicts') }}
    where activity_type = 'open' and is_bot
),

human_opens as (
    select email_opens.*
    from email_opens
    left join bot_opens
        on email_opens.email_open_id = bot_opens.email_activity_id
    where bot_opens.email_activity_id is null
),

final as (
    select
        email_open_id,
        marketo_lead_id,
        campaign_id,
        email_template_id,
        user_agent,
        device,
        platform,
        client_ip_address,
        is_mobile_device,
        opened_at
    from human_opens
)

select * from final
