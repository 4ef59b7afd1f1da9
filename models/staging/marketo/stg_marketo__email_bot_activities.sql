-- The audit of email bot removal: one row per staged open or click that a bot rule
-- removed from stg_marketo__email_opens / stg_marketo__email_clicks, with the first rule
-- that fired and all of them.
with

verdicts as (
    select * from {{ ref('base_marketo__email_bot_verdicts') }}
    where is_bot
),

final as (
    select
        email_bot_verdict_id as email_bot_activity_id,
        email_activity_id,
        activity_type,
        marketo_lead_id,
        campaign_id,
        email_template_id,
        link_url,
        user_agent,
        user_agent_bot_kind,
        bot_user_agent_pattern,
        bot_rule,
        bot_rules_fired,
        delivered_at,
        occurred_at
    from verdicts
)

select * from final
