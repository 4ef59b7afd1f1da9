-- The features of every unit (lead, account, buying group) on every as-of date of
-- int_run_calendar, from the signals of the lookback window before that date, with
-- recency decay (weight x 0.5 ^ (age in days / half-life)). Units appear on a date
-- when they have any counted signal in the window. `label` says whether the unit's
-- account opened a New Business opportunity within label_horizon_days on or after the
-- date; `label_known` whether the data reaches that far. This is the training history
-- for P(in-market) and the input of the tiers, weekly and as of the run date.
{% set lookback = var('signal_lookback_days') | int %}
{#- the distinct counts look back 28 days, never past the lookback window -#}
{% set recent_days = [28, lookback] | min %}
{#- a signal counts on the first weekly as-of date after it and on last_lag more -#}
{% set last_lag = (lookback - 1) // 7 %}
{#- the windows below run along each unit's weeks, one time line per half-life -#}
{% set unit_line = 'unit_key, half_life_days' %}
{#- sums of decayed weights: (column, which signals) -#}
{% set decayed_sums = [
    ('intent_score', "signal_class in ('intent', 'hand_raise', 'conversation', 'referral')"),
    ('engagement_score', "signal_class = 'engagement'"),
    ('total_score', "1 = 1"),
] %}
{#- counts, each over a window of its own: (column, which signals, window in days) -#}
{% set windowed_counts = [
    ('hand_raises_30d', "signal_class = 'hand_raise'", var('hand_raise_window_days') | int),
    ('g2_signals_28d', "signal_source = 'g2' and signal_class = 'intent'", 28),
    ('conversations_90d', "signal_class = 'conversation'", lookback),
    ('referrals_90d', "signal_class = 'referral'", lookback),
    ('pricing_views_14d', "signal_type in ('pricing_page_view', 'g2_pricing')", 14),
    ('signals_in_window', "1 = 1", var('engagement_window_days') | int),
    ('signals_in_lookback', "1 = 1", lookback),
] %}

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

-- The weekly as-of dates are 7 days apart, so a signal is in the window of the first
-- weekly date after it (week_index; offset_days 1 to 7 before it) and of the next
-- last_lag ones while its age stays within the lookback. Signals are summed once per unit,
-- half-life and week, and each weekly date adds up its unit's last weeks with a window
-- over that time line (a decayed sum: each week's sum is scaled to a common origin,
-- summed over the frame and scaled back), instead of repeating every signal for each
-- date of its window.
weekly_grid as (
    select
        min(as_of_date) as first_as_of_date,
        {{ dbt.datediff('min(as_of_date)', 'max(as_of_date)', 'day') }} / 7 as last_week_index
    from calendar
    where not is_run_date
),

unit_keys as (
    -- a number per unit (the windows and joins below run on it, not on two strings),
    -- with the unit's account and fit score
    select
        unit_type,
        unit_id,
        max(account_id) as account_id,
        row_number() over (order by unit_type, unit_id) as unit_key
    from unit_signals
    group by unit_type, unit_id
),

unit_fit as (
    -- a lead's fit is the person's, an account's or buying group's that of the account
    select
        unit_keys.unit_key,
        unit_keys.unit_type,
        unit_keys.unit_id,
        coalesce(people.fit_score, accounts.fit_score, 0) as fit_score
    from unit_keys
    -- an equality on one expression keeps these hash joins (a constant filter in a left
    -- join's condition made DuckDB fall back to a nested loop)
    left join people
        on case when unit_keys.unit_type = 'lead' then unit_keys.unit_id end = people.person_id
    left join accounts
        on case when unit_keys.unit_type != 'lead' then unit_keys.account_id end
        = accounts.account_id
),

account_keys as (
    -- a number per account: the windows below carry it rather than the account's id
    select
        account_id,
        row_number() over (order by account_id) as account_key
    from (
        select distinct account_id
        from unit_signals
        where account_id is not null
    ) as ids
),

signal_days as (
    select
        unit_keys.unit_key,
        account_keys.account_key,
        unit_signals.*,
        weekly_grid.last_week_index,
        {{ dbt.datediff('weekly_grid.first_as_of_date', 'unit_signals.signal_date', 'day') }}
            as days_after_first
    from unit_signals
    inner join unit_keys
        on unit_signals.unit_type = unit_keys.unit_type
            and unit_signals.unit_id = unit_keys.unit_id
    left join account_keys on unit_signals.account_id = account_keys.account_id
    cross join weekly_grid
),

signal_weeks as (
    select
        *,
        7 * week_index - days_after_first as offset_days
    from (
        select
            *,
            -- the weekly date the signal first counts on (0 = the first weekly date)
            cast(floor(days_after_first / 7.0) as integer) + 1 as week_index
        from signal_days
    ) as indexed
    where week_index between {{ -1 * last_lag }} and last_week_index
),

unit_weeks as (
    -- "all": every signal of the week (in the window of the next last_lag weekly dates);
    -- "last": those still in the window last_lag weeks on (or window_lag for a count)
    select
        unit_key,
        half_life_days,
        week_index,
        max(account_key) as account_key,
        {% for name, condition in decayed_sums %}
            {% for part, limit in [('all', 7), ('last', lookback - 7 * last_lag)] %}
                -- exact decimals, whatever order the threads add them up in; a double
                -- once summed (the windows below are faster on 64-bit numbers)
                cast(sum(case when {{ condition }} and offset_days <= {{ limit }} then cast(
                    weight * power(0.5, offset_days / nullif(cast(half_life_days as double), 0))
                    as decimal(18, 9)
                ) end) as double) as {{ name }}__{{ part }},
            {% endfor %}
        {% endfor %}
        {% for name, condition, days in windowed_counts %}
            {%- set window = [days, lookback] | min %}
            {{ mqx_count_if(condition) }} as {{ name }}__all,
            {{ mqx_count_if(
                condition ~ ' and offset_days <= ' ~ (window - 7 * ((window - 1) // 7))
            ) }} as {{ name }}__last,
        {% endfor %}
        min(offset_days) as offset_days__all,
        min(case when offset_days <= {{ lookback - 7 * last_lag }} then offset_days end)
            as offset_days__last
    from signal_weeks
    group by unit_key, half_life_days, week_index
),

-- Every week from the unit's first signal week to the last weekly date its signals reach.
unit_spans as (
    select
        unit_weeks.unit_key,
        unit_weeks.half_life_days,
        min(unit_weeks.week_index) as first_week_index,
        least(max(unit_weeks.week_index) + {{ last_lag }}, max(weekly_grid.last_week_index))
            as last_week_index
    from unit_weeks
    cross join weekly_grid
    group by unit_weeks.unit_key, unit_weeks.half_life_days
),

week_numbers as (
    select numbers.number - {{ last_lag }} as week_index
    from ({{ mqx_whole_numbers(4) }}) as numbers
    cross join weekly_grid
    where numbers.number <= weekly_grid.last_week_index + {{ last_lag }}
),

unit_grid as (
    select
        unit_spans.unit_key,
        unit_spans.half_life_days,
        week_numbers.week_index
    from unit_spans
    inner join week_numbers
        on week_numbers.week_index between unit_spans.first_week_index
            and unit_spans.last_week_index
),

grid_weeks as (
    select
        unit_grid.unit_key,
        unit_grid.half_life_days,
        unit_grid.week_index,
        -- 2 ^ (weeks from the origin / half-life): scales a week's sum to the origin
        power(2.0, 7.0 * unit_grid.week_index / nullif(cast(unit_grid.half_life_days as double), 0))
            as growth,
        unit_weeks.account_key,
        {% for name, condition in decayed_sums %}
            unit_weeks.{{ name }}__all,
            unit_weeks.{{ name }}__last,
        {% endfor %}
        {% for name, condition, days in windowed_counts %}
            unit_weeks.{{ name }}__all,
            unit_weeks.{{ name }}__last,
        {% endfor %}
        unit_weeks.offset_days__all,
        unit_weeks.offset_days__last
    from unit_grid
    left join unit_weeks
        on unit_grid.unit_key = unit_weeks.unit_key
            and unit_grid.half_life_days = unit_weeks.half_life_days
            and unit_grid.week_index = unit_weeks.week_index
),

weekly_by_half_life as (
    select
        unit_key,
        week_index,
        max(account_key) over (
            partition by {{ unit_line }} order by week_index
            rows between {{ last_lag }} preceding and current row
        ) as account_key,
        {% for name, condition in decayed_sums %}
            -- exact decimals from here on, so that the sums do not depend on the order
            -- in which parallel threads add them up
            cast(
                coalesce({{ mqx_lag(name ~ '__last', last_lag, unit_line, 'week_index') }}, 0)
                * power(0.5, {{ 7 * last_lag }} / nullif(cast(half_life_days as double), 0))
                {% if last_lag > 0 %}
                    + coalesce(sum({{ name }}__all * growth) over (
                        partition by {{ unit_line }} order by week_index
                        rows between {{ last_lag - 1 }} preceding and current row
                    ), 0) / growth
                {% endif %}
                as decimal(18, 9)
            ) as {{ name }},
        {% endfor %}
        {% for name, condition, days in windowed_counts %}
            {%- set window_lag = ([days, lookback] | min - 1) // 7 %}
            coalesce({{ mqx_lag(name ~ '__last', window_lag, unit_line, 'week_index') }}, 0)
            {% if window_lag > 1 %}
                + cast(coalesce(sum({{ name }}__all) over (
                    partition by {{ unit_line }} order by week_index
                    rows between {{ window_lag - 1 }} preceding and current row
                ), 0) as {{ dbt.type_bigint() }})
            {% elif window_lag == 1 %}
                + coalesce({{ name }}__all, 0)
            {% endif %}
                as {{ name }},
        {% endfor %}
        -- the youngest signal: 7 x weeks back + its offset, the smallest over the frame
        least(
            {% if last_lag > 0 %}
                coalesce(7 * week_index + min(offset_days__all - 7 * week_index) over (
                    partition by {{ unit_line }} order by week_index
                    rows between {{ last_lag - 1 }} preceding and current row
                ), 99999),
            {% endif %}
            coalesce(
                {{ 7 * last_lag }}
                + {{ mqx_lag('offset_days__last', last_lag, unit_line, 'week_index') }},
                99999
            )
        ) as days_since_last_signal
    from grid_weeks
),

weekly_summed as (
    select
        unit_key,
        week_index,
        max(account_key) as account_key,
        {% for name, condition in decayed_sums %}
            cast(sum({{ name }}) as double) as {{ name }},
        {% endfor %}
        {% for name, condition, days in windowed_counts %}
            cast(sum({{ name }}) as {{ dbt.type_bigint() }}) as {{ name }},
        {% endfor %}
        nullif(min(days_since_last_signal), 99999) as days_since_last_signal
    from weekly_by_half_life
    where week_index >= 0
    group by unit_key, week_index
),

weekly_features as (
    select
        weekly_summed.*,
        cast(
            {{ dbt.dateadd('day', '7 * weekly_summed.week_index', 'weekly_grid.first_as_of_date') }}
            as date
        ) as as_of_date
    from weekly_summed
    cross join weekly_grid
    where weekly_summed.signals_in_lookback > 0
),

-- The run's as-of date is not on the weekly grid: its window is read signal by signal.
run_date_signals as (
    select
        signal_days.*,
        calendar.as_of_date,
        {{ dbt.datediff('signal_days.signal_date', 'calendar.as_of_date', 'day') }} as age_days
    from signal_days
    inner join calendar
        on signal_days.signal_date < calendar.as_of_date
            and signal_days.signal_date >= cast({{ dbt.dateadd(
            'day', -1 * lookback, 'calendar.as_of_date'
        ) }} as date)
    where calendar.is_run_date
),

run_date_features as (
    select
        unit_key,
        as_of_date,
        max(account_key) as account_key,
        {% for name, condition in decayed_sums %}
            cast(coalesce(sum(case when {{ condition }} then cast(
                weight * power(0.5, age_days / nullif(cast(half_life_days as double), 0))
                as decimal(18, 9)
            ) end), 0) as double) as {{ name }},
        {% endfor %}
        {% for name, condition, days in windowed_counts %}
            {{ mqx_count_if(condition ~ ' and age_days <= ' ~ ([days, lookback] | min)) }}
                as {{ name }},
        {% endfor %}
        min(age_days) as days_since_last_signal
    from run_date_signals
    group by unit_key, as_of_date
),

summed as (
    {% for part in ['weekly_features', 'run_date_features'] %}
        select
            unit_key,
            as_of_date,
            account_key,
            {% for name, condition in decayed_sums %}{{ name }},{% endfor %}
            {% for name, condition, days in windowed_counts %}
                cast({{ name }} as {{ dbt.type_bigint() }}) as {{ name }},
            {% endfor %}
            days_since_last_signal
        from {{ part }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

-- Each as-of date with every day of the window of the distinct counts.
window_days as (
    {{ mqx_window_days('calendar', recent_days) }}
),

-- The distinct counts look back 28 days at most and only at intent signals and signals
-- of decision makers and champions: joined to the calendar on their own, they read a
-- small part of what the sums read.
recent as (
    select
        signal_days.unit_key,
        signal_days.person_id,
        signal_days.signal_source,
        signal_days.signal_type,
        signal_days.signal_class,
        signal_days.persona,
        signal_days.detail,
        signal_days.signal_date,
        window_days.as_of_date,
        window_days.age_days
    from signal_days
    inner join window_days on signal_days.signal_date = window_days.window_date
    where signal_days.signal_class = 'intent'
        or signal_days.persona in ('decision_maker', 'champion')
),

counted as (
    select
        unit_key,
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
    group by unit_key, as_of_date
),

aggregated as (
    select
        summed.unit_key,
        summed.as_of_date,
        account_keys.account_id,
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
    left join account_keys on summed.account_key = account_keys.account_key
    left join counted
        on summed.unit_key = counted.unit_key
            and summed.as_of_date = counted.as_of_date
),

labelled as (
    select
        unit_fit.unit_type,
        unit_fit.unit_id,
        aggregated.as_of_date,
        aggregated.account_id,
        calendar.is_run_date,
        unit_fit.fit_score,
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
    inner join unit_fit on aggregated.unit_key = unit_fit.unit_key
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
