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

bot_user_agents as (
    select
        user_agent_pattern,
        bot_kind
    from {{ ref('bot_user_agents') }}
    where applies_to in ('web', 'both')
),

user_agents as (
    select distinct
        user_agent,
        lower(trim(user_agent)) as user_agent_text
    from pages
    where user_agent is not null
),

patterns as (
    select
        bot_kind,
        user_agent_pattern,
        lower(trim(user_agent_pattern)) like 'exact:%' as is_exact_pattern,
        lower(trim(case
            when lower(trim(user_agent_pattern)) like 'exact:%'
                then substring(trim(user_agent_pattern), 7)
            else user_agent_pattern
        end)) as pattern_text
    from bot_user_agents
    where trim(user_agent_pattern) != ''
),

user_agent_matches as (
    select
        user_agents.user_agent,
        patterns.bot_kind,
        patterns.user_agent_pattern,
        row_number() over (
            partition by user_agents.user_agent
            order by
                patterns.bot_kind asc nulls last,
                patterns.user_agent_pattern asc nulls last
        ) as match_rank
    from user_agents
    inner join patterns
        on (
            patterns.is_exact_pattern
            and user_agents.user_agent_text = patterns.pattern_text
        )
        or (
            not patterns.is_exact_pattern
            and {{ dbt.position(
                'patterns.pattern_text', 'user_agents.user_agent_text'
            ) }} > 0
        )
),

bot_user_agent_kinds as (
    select
        user_agent,
        bot_kind,
        user_agent_pattern
    from user_agent_matches
    where match_rank = 1
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
