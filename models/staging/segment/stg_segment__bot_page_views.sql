-- The audit of web bot removal: one row per staged page view that stg_segment__pages
-- leaves out, with the rule that fired. bot_user_agent: the user agent is on the
-- bot_user_agents list (rows for web or both; matched once per distinct user agent).
-- missing_user_agent: no user agent at all, which browsers always send.
with

pages as (
    select
        page_view_id,
        user_agent,
        viewed_at
    from {{ ref('base_segment__pages') }}
    where row_outcome = 'staged'
),

bot_user_agent_kinds as (
    {{ mqx_bot_user_agent_kinds('pages', 'web') }}
),

final as (
    select
        pages.page_view_id,
        pages.user_agent,
        case
            when pages.user_agent is null then 'missing_user_agent'
            else 'bot_user_agent'
        end as bot_rule,
        coalesce(bot_user_agent_kinds.bot_kind, 'unknown') as bot_kind,
        bot_user_agent_kinds.user_agent_pattern as bot_user_agent_pattern,
        pages.viewed_at
    from pages
    left join bot_user_agent_kinds
        on pages.user_agent = bot_user_agent_kinds.user_agent
    where pages.user_agent is null or bot_user_agent_kinds.user_agent is not null
)

select * from final
