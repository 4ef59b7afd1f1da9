-- Every activity staging removed as machine-made, across channels, with the rule that
-- fired: bot email opens and clicks (Marketo) and crawler page views (Segment).
with

email_bots as (
    select
        email_bot_activity_id,
        activity_type,
        bot_rule,
        bot_rules_fired,
        user_agent,
        occurred_at
    from {{ ref('stg_marketo__email_bot_activities') }}
),

web_bots as (
    select
        page_view_id,
        bot_rule,
        user_agent,
        viewed_at
    from {{ ref('stg_segment__bot_page_views') }}
),

unioned as (
    select
        'email_' || activity_type as channel,
        email_bot_activity_id as activity_id,
        bot_rule,
        bot_rules_fired,
        user_agent,
        occurred_at
    from email_bots

    union all

    select
        'web_page_view' as channel,
        page_view_id as activity_id,
        bot_rule,
        bot_rule as bot_rules_fired,
        user_agent,
        viewed_at as occurred_at
    from web_bots
),

final as (
    select
        channel || ':' || activity_id as bot_activity_id,
        channel,
        activity_id,
        bot_rule,
        bot_rules_fired,
        user_agent,
        occurred_at
    from unioned
)

select * from final
