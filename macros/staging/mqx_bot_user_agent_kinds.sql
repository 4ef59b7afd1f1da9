{#-
    The bot user-agent rule, shared by email (Marketo opens and clicks) and web (Segment
    page views): each distinct user agent of `user_agents_relation` (a CTE with a
    `user_agent` column) against the seed bot_user_agents rows for `channel` ('email' or
    'web'; rows marked 'both' apply to either). A pattern is a case-insensitive
    substring, or with the prefix `exact:` the whole user agent (Apple Mail Privacy
    Protection's bare "Mozilla/5.0"). Returns a select of user_agent, bot_kind and the
    matching user_agent_pattern: one row per matching user agent, the first pattern by
    bot_kind then pattern when several match.
-#}
{% macro mqx_bot_user_agent_kinds(user_agents_relation, channel) %}
    with

    user_agents as (
        -- distinct first: the text is normalised once per user agent, not once per row
        select
            user_agent,
            lower(trim(user_agent)) as user_agent_text
        from (
            select distinct user_agent
            from {{ user_agents_relation }}
            where user_agent is not null
        ) as distinct_user_agents
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
        from {{ ref('bot_user_agents') }}
        where applies_to in ('{{ channel }}', 'both') and trim(user_agent_pattern) != ''
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
    )

    select
        user_agent,
        bot_kind,
        user_agent_pattern
    from user_agent_matches
    where match_rank = 1
{% endmacro %}
