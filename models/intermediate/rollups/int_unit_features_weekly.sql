-- The features of every unit (lead, account, buying group) on every as-of date of
-- int_run_calendar, from the signals of the lookback window before that date, with
-- recency decay (weight x 0.5 ^ (age in days / half-life)). Units appear on a date
-- when they have any counted signal in the window. `label` says whether the unit's
-- account opened a New Business opportunity within label_horizon_days on or after the
-- date; `label_known` whether the data reaches that far. This is the training history
-- for P(in-market) and the input of the tiers, weekly and as of the run date.
{% set lookback = var('signal_lookback_days') %}
{#- the distinct counts look back 28 days, never past the lookback window -#}
{% set recent_days = [28, lookback | int] | min %}

with

calendar as (
    select as_of_date, data_end_date, is_run_date from {{ ref('int_run_calendar') }}
),

unit_signals as (
    select
        unit_type,
        unit_id,
        account_id,
        person_id,
        signal_source,
        signal_type,
        signal_class,
        persona,
        detail,
        weight,
        half_life_days,
        signal_date
    from {{ ref('int_unit_signals') }}
),

people as (
    select person_id, fit_score from {{ ref('int_people_profiled') }}
),

accounts as (
    select account_id, fit_score from {{ ref('int_accounts_profiled') }}
),

opportunities as (
    select account_id, cast(created_at as date) as created_date
    from {{ ref('stg_salesforce__opportunities') }}
    where is_new_business
),

account_labels as (
    -- accounts that opened a New Business opportunity within the horizon of a date
    select distinct
        calendar.as_of_date,
        opportunities.account_id
    from calendar
    inner join opportunities
        on calendar.as_of_date <= opportunities.created_date
            and opportunities.created_date < cast({{ dbt.dateadd(
            'day', var('label_horizon_days'), 'calendar.as_of_date'
        ) }} as date)
),

-- Each as-of date with every day of its lookback window and that day's age.
window_days as (
    {{ mqx_window_days('calendar', lookback) }}
),

windowed as (
    select
        unit_signals.unit_type,
        unit_signals.unit_id,
        unit_signals.account_id,
        unit_signals.signal_source,
        unit_signals.signal_type,
        unit_signals.signal_class,
        unit_signals.weight,
        unit_signals.half_life_days,
        window_days.as_of_date,
        window_days.age_days
    from unit_signals
    inner join window_days on unit_signals.signal_date = window_days.window_date
),

decayed as (
    -- as an exact decimal, so that the sums below do not depend on the order in which
    -- parallel threads add them up (two builds of the same data give the same scores);
    -- 18 digits keep the per-row arithmetic in 64-bit integers
    select
        *,
        cast(
            weight * power(0.5, age_days / nullif(cast(half_life_days as double), 0))
            as decimal(18, 9)
        ) as decayed_weight
    from windowed
),

-- Sums and counts over the whole lookback window: every signal, no distinct counts.
summed as (
    select
        unit_type,
        unit_id,
        as_of_date,
        max(account_id) as account_id,
        cast(sum(case when signal_class in ('intent', 'hand_raise', 'conversation', 'referral')
                then decayed_weight
            else 0
        end) as double) as intent_score,
        cast(sum(case when signal_class = 'engagement' then decayed_weight else 0 end)
            as double) as engagement_score,
        cast(sum(decayed_weight) as double) as total_score,
        {{ mqx_count_if(
            "signal_class = 'hand_raise' and age_days <= " ~ var('hand_raise_window_days')
        ) }} as hand_raises_30d,
        {{ mqx_count_if("signal_source = 'g2' and signal_class = 'intent' and age_days <= 28") }}
            as g2_signals_28d,
        {{ mqx_count_if("signal_class = 'conversation'") }} as conversations_90d,
        {{ mqx_count_if("signal_class = 'referral'") }} as referrals_90d,
        {{ mqx_count_if("signal_type in ('pricing_page_view', 'g2_pricing') and age_days <= 14") }}
            as pricing_views_14d,
        {{ mqx_count_if("age_days <= " ~ var('engagement_window_days')) }} as signals_in_window,
        min(age_days) as days_since_last_signal
    from decayed
    group by unit_type, unit_id, as_of_date
),

-- The distinct counts look back 28 days at most and only at intent signals and signals
-- of decision makers and champions: joined to the calendar on their own, they read a
-- small part of what the sums read.
recent as (
    select
        unit_signals.unit_type,
        unit_signals.unit_id,
        unit_signals.person_id,
        unit_signals.signal_source,
        unit_signals.signal_type,
        unit_signals.signal_class,
        unit_signals.persona,
        unit_signals.detail,
        unit_signals.signal_date,
        window_days.as_of_date,
        window_days.age_days
    from unit_signals
    inner join window_days on unit_signals.signal_date = window_days.window_date
    where window_days.age_days <= {{ recent_days }}
        and (
            unit_signals.signal_class = 'intent'
            or unit_signals.persona in ('decision_maker', 'champion')
        )
),

counted as (
    select
        unit_type,
        unit_id,
        as_of_date,
        count(distinct case when signal_class = 'intent' then person_id end)
            as people_with_intent_28d,
        count(distinct case when signal_class = 'intent' and age_days <= 7 then person_id end)
            as people_with_intent_7d,
        count(distinct case when signal_class = 'intent' then signal_type end)
            as intent_types_28d,
        count(distinct case when signal_class = 'intent' then signal_source end)
            as intent_channels_28d,
        count(distinct case
            when signal_class = 'intent'
                then {{ dbt.datediff('signal_date', 'as_of_date', 'week') }}
        end) as intent_weeks_28d,
        count(distinct case when signal_source = 'bombora' and age_days <= 14 then detail end)
            as bombora_surge_topics_14d,
        count(distinct case when persona in ('decision_maker', 'champion') then person_id end)
            as decision_makers_28d
    from recent
    group by unit_type, unit_id, as_of_date
),

aggregated as (
    select
        summed.unit_type,
        summed.unit_id,
        summed.as_of_date,
        summed.account_id,
        summed.intent_score,
        summed.engagement_score,
        summed.total_score,
        summed.hand_raises_30d,
        coalesce(counted.people_with_intent_28d, 0) as people_with_intent_28d,
        coalesce(counted.people_with_intent_7d, 0) as people_with_intent_7d,
        coalesce(counted.intent_types_28d, 0) as intent_types_28d,
        coalesce(counted.intent_channels_28d, 0) as intent_channels_28d,
        coalesce(counted.intent_weeks_28d, 0) as intent_weeks_28d,
        coalesce(counted.bombora_surge_topics_14d, 0) as bombora_surge_topics_14d,
        summed.g2_signals_28d,
        summed.conversations_90d,
        summed.referrals_90d,
        coalesce(counted.decision_makers_28d, 0) as decision_makers_28d,
        summed.pricing_views_14d,
        summed.signals_in_window,
        summed.days_since_last_signal
    from summed
    left join counted
        on summed.unit_type = counted.unit_type
            and summed.unit_id = counted.unit_id
            and summed.as_of_date = counted.as_of_date
),

labelled as (
    select
        aggregated.unit_type,
        aggregated.unit_id,
        aggregated.as_of_date,
        aggregated.account_id,
        calendar.is_run_date,
        coalesce(
            case when aggregated.unit_type = 'lead' then people.fit_score end,
            case when aggregated.unit_type != 'lead' then accounts.fit_score end,
            0
        ) as fit_score,
        account_labels.account_id is not null as label,
        cast({{ dbt.dateadd('day', var('label_horizon_days'), 'aggregated.as_of_date') }} as date)
        <= calendar.data_end_date as label_known,
        aggregated.intent_score,
        aggregated.engagement_score,
        aggregated.total_score,
        aggregated.hand_raises_30d,
        aggregated.people_with_intent_28d,
        aggregated.people_with_intent_7d,
        aggregated.intent_types_28d,
        aggregated.intent_channels_28d,
        aggregated.intent_weeks_28d,
        aggregated.bombora_surge_topics_14d,
        aggregated.g2_signals_28d,
        aggregated.conversations_90d,
        aggregated.referrals_90d,
        aggregated.decision_makers_28d,
        aggregated.pricing_views_14d,
        aggregated.signals_in_window,
        aggregated.days_since_last_signal
    from aggregated
    inner join calendar on aggregated.as_of_date = calendar.as_of_date
    left join people
        -- an equality on one expression keeps this a hash join (a constant filter in a
        -- left join's condition made DuckDB fall back to a nested loop: 16 s vs 0.02 s)
        on case when aggregated.unit_type = 'lead' then aggregated.unit_id end
        = people.person_id
    left join accounts on aggregated.account_id = accounts.account_id
    left join account_labels
        on aggregated.account_id = account_labels.account_id
            and aggregated.as_of_date = account_labels.as_of_date
),

final as (
    select
        unit_type || ':' || unit_id || ':' || cast(as_of_date as {{ dbt.type_string() }})
            as unit_week_id,
        *,
        -- Hot MQL: sustained intent across several signal types and channels over more
        -- than one week
        intent_types_28d >= 2 and intent_channels_28d >= 2 and intent_weeks_28d >= 2
            as is_hot_mql
    from labelled
)

select * from final
