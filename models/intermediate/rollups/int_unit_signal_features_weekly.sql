-- The signal features of every unit (lead, account, buying group) on every as-of date of
-- int_run_calendar, from the signals of the lookback window before that date, with
-- recency decay (weight x 0.5 ^ (age in days / half-life)). Units appear on a date
-- when they have any counted signal in the window. int_unit_features_weekly adds the
-- fit scores and labels, which change from day to day for old dates too.
--
-- Incremental on DuckDB. A unit's weekly rows depend only on its signals dated before
-- the last weekly date, so every row keeps a fingerprint of those signals (all rows of a
-- unit the same one), and a run computes:
--   (1) every date of the units whose fingerprint changed (late or re-synced events, a
--       deletion, a person linked to another account; new units have none stored);
--   (2) every other unit on the weekly dates not stored yet and on the run date.
-- The hooks (mqx_signal_features_hook) then forget the rows of changed units not computed
-- again and the rows of dates that left the calendar, and, when a new weekly date moved
-- the cutoff, give the kept rows their fingerprint as of the new cutoff. Each value is
-- computed row by row in a way that does not depend on what else is computed with it
-- (see weekly_summed), so the table equals a full refresh
-- (tests/python/test_incremental.py). After changing signal_lookback_days or a count's
-- window, run with --full-refresh.
--
-- A full refresh computes the units in batches of about unit_batch_signals signals each
-- (mqx_unit_batches: this SQL for the first batch, the post-hook inserts the others), so
-- that each batch's aggregates fit in memory; a unit's rows are all in one batch.
{{ config(
    materialized=mqx_event_materialization(),
    unique_key=['unit_type', 'unit_id', 'as_of_date'],
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    pre_hook="{{ mqx_signal_features_hook('fingerprint') }}",
    post_hook=[
        "{{ mqx_insert_unit_batches() }}",
        "{{ mqx_signal_features_hook('forget') }}",
        "{{ mqx_signal_features_hook('refingerprint') }}",
        "{{ mqx_signal_features_hook('clean_up') }}",
    ],
) }}
{% set incremental = this is not none and is_incremental() %}
{% set batches = mqx_unit_batches(ref('int_unit_signals'), var('unit_batch_signals') | int) %}
{% set lookback = var('signal_lookback_days') | int %}
{#- the distinct counts look back 28 days, never past the lookback window -#}
{% set recent_days = [28, lookback] | min %}
{#- a signal counts on the first weekly as-of date after it and on last_lag more -#}
{% set last_lag = (lookback - 1) // 7 %}
{#- sums of decayed weights: (column, which signals). total_score is their sum: every
    signal is in one of them (int_signals_unified's tests accept only these five classes) -#}
{% set decayed_sums = [
    ('intent_score', "signal_class in ('intent', 'hand_raise', 'conversation', 'referral')"),
    ('engagement_score', "signal_class = 'engagement'"),
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
    select as_of_date, is_run_date from {{ ref('int_run_calendar') }}
),

-- Read three times (unit_keys, signal_days, account_keys). An incremental run reads every
-- unit's signals in one statement: computed again for each read rather than stored first
-- (at 200,000 accounts, 53 M rows: the statement 68 s stored, 23 s not; at 50,000 7.0 s
-- and 5.3 s). A batch of a full refresh is small enough to store (not stored: 1.2x slower
-- at 50,000 accounts, 1.3x at 200,000).
unit_signals as {% if incremental %}{{ mqx_not_materialized() }}{% endif %} (
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
        signal_date,
        signal_id
    from {{ ref('int_unit_signals') }}
    {% if batches > 1 %}where {{ mqx_unit_batch_predicate(batches, 0) }}{% endif %}
),

{% if incremental %}
    stored_dates as (
        select distinct as_of_date, is_run_date from {{ this }}
    ),

    stored_units as (
        select distinct unit_type, unit_id, signals_fingerprint
        from {{ this }}
        where not is_run_date
    ),

    stored_cutoff as (
        -- the cutoff of the stored fingerprints: the last weekly date stored
        select max(as_of_date) as last_as_of_date
        from stored_dates
        where not is_run_date
    ),
{% endif %}

calendar_dates as (
    -- is_new: the date is computed for every unit (every date on a full build; on an
    -- incremental run the run date and the weekly dates not stored yet)
    select
        calendar.*,
        {% if incremental %}
            calendar.is_run_date or not exists (
                select 1
                from stored_dates
                where stored_dates.as_of_date = calendar.as_of_date
                    and stored_dates.is_run_date = calendar.is_run_date
            )
        {% else %}
            true
        {% endif %} as is_new
    from calendar
),

{% if incremental %}
    new_dates as (
        -- the first date computed for every unit (a new weekly date or the run date)
        select min(as_of_date) as first_new_as_of_date
        from calendar_dates
        where is_new
    ),
{% endif %}

-- The weekly as-of dates are 7 days apart, so a signal is in the window of the first
-- weekly date after it (week_index; offset_days 1 to 7 before it) and of the next
-- last_lag ones while its age stays within the lookback. Signals are summed once per unit,
-- half-life and week, and each weekly date adds up its unit's last weeks (weekly_summed:
-- a decayed sum, each of the last weeks decayed by its distance in weeks), instead of
-- repeating every signal for each date of its window.
weekly_grid as (
    select
        min(as_of_date) as first_as_of_date,
        max(as_of_date) as last_as_of_date,
        {{ dbt.datediff('min(as_of_date)', 'max(as_of_date)', 'day') }} / 7 as last_week_index,
        {{ dbt.datediff('min(as_of_date)', 'min(case when is_new then as_of_date end)', 'day') }}
        / 7 as first_new_week_index
    from calendar_dates
    where not is_run_date
),

unit_keys as (
    -- a number per unit (the aggregates and joins below run on it, not on two strings),
    -- with the fingerprint of its signals before the last weekly date (and before the
    -- stored one, to compare)
    select
        unit_signals.unit_type,
        unit_signals.unit_id,
        {{ mqx_signals_fingerprint('weekly_grid.last_as_of_date') }} as signals_fingerprint,
        {% if incremental %}
            {{ mqx_signals_fingerprint('stored_cutoff.last_as_of_date') }}
                as stored_cutoff_fingerprint,
        {% endif %}
        row_number() over (order by unit_signals.unit_type, unit_signals.unit_id) as unit_key
    from unit_signals
    cross join weekly_grid
    {% if incremental %}cross join stored_cutoff{% endif %}
    group by
        unit_signals.unit_type,
        unit_signals.unit_id,
        weekly_grid.last_as_of_date
        {% if incremental %}, stored_cutoff.last_as_of_date{% endif %}
),

units as (
    -- is_computed: all of the unit's dates are computed (all units on a full build;
    -- on an incremental run those whose weekly rows are not stored with the fingerprint
    -- their signals have now)
    {% if incremental %}
        select
            unit_keys.*,
            stored_units.unit_id is null as is_computed
        from unit_keys
        left join stored_units
            on unit_keys.unit_type = stored_units.unit_type
                and unit_keys.unit_id = stored_units.unit_id
                and unit_keys.stored_cutoff_fingerprint = stored_units.signals_fingerprint
    {% else %}
        select
            unit_keys.*,
            true as is_computed
        from unit_keys
    {% endif %}
),

account_keys as (
    -- a number per account: the aggregates below carry it rather than the account's id
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
        units.unit_key,
        units.is_computed,
        account_keys.account_key,
        unit_signals.*,
        weekly_grid.last_week_index,
        weekly_grid.first_new_week_index,
        {{ dbt.datediff('weekly_grid.first_as_of_date', 'unit_signals.signal_date', 'day') }}
            as days_after_first
    from unit_signals
    inner join units
        on unit_signals.unit_type = units.unit_type
            and unit_signals.unit_id = units.unit_id
    left join account_keys on unit_signals.account_id = account_keys.account_id
    cross join weekly_grid
    {% if incremental %}
        cross join new_dates
        -- a unit not computed in full needs only the signals in the windows of the new
        -- dates: none is older than the lookback and a week before the first of them (the
        -- filters below keep exactly the same rows; this one only spares carrying the
        -- others through them: at 50,000 accounts 13.1 M rows -> 3.5 M on a Monday)
        where units.is_computed
            or unit_signals.signal_date >= cast({{ dbt.dateadd(
                'day', -1 * (lookback + 7), 'new_dates.first_new_as_of_date'
            ) }} as date)
    {% endif %}
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
        {% if incremental %}
            -- a unit not computed in full needs only the weeks the new dates read
            and (is_computed or week_index >= first_new_week_index - {{ last_lag }})
        {% endif %}
),

unit_weeks as (
    -- "all": every signal of the week (in the window of the next last_lag weekly dates);
    -- "last": those still in the window last_lag weeks on (or window_lag for a count)
    select
        unit_key,
        half_life_days,
        week_index,
        is_computed,
        max(account_key) as account_key,
        {% for name, condition in decayed_sums %}
            {% for part, limit in [('all', 7), ('last', lookback - 7 * last_lag)] %}
                -- exact, whatever order the threads add them up in: whole nanopoints
                -- (mqx_nanopoints), a double once summed
                {{ mqx_from_nanopoints('sum(case when ' ~ condition ~ ' and offset_days <= '
                    ~ limit ~ ' then ' ~ mqx_nanopoints(
                        'weight * power(0.5, offset_days / nullif(cast(half_life_days as double), 0))'
                    ) ~ ' end)') }} as {{ name }}__{{ part }},
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
    group by unit_key, half_life_days, week_index, is_computed
),

week_lags as (
    select numbers.number as lag_weeks
    from ({{ mqx_whole_numbers(last_lag | string | length) }}) as numbers
    where numbers.number <= {{ last_lag }}
),

-- Each week's sums count on the weekly date of that week (lag_weeks 0) and of the next
-- last_lag ones, decayed by their distance in weeks (the last one with only the signals
-- still inside the lookback). Each term is decayed and rounded on its own and the terms
-- are added up exactly, so a row's value depends only on its unit's weeks, whatever else
-- is computed with it and whatever order threads add in (an incremental run computes some
-- units on fewer weeks than a full refresh).
weekly_summed as (
    select
        unit_weeks.unit_key,
        unit_weeks.week_index + week_lags.lag_weeks as week_index,
        max(unit_weeks.account_key) as account_key,
        {% for name, condition in decayed_sums %}
            coalesce(sum({{ mqx_nanopoints(
                'case when week_lags.lag_weeks < ' ~ last_lag ~ ' then unit_weeks.' ~ name
                ~ '__all else unit_weeks.' ~ name ~ '__last end * power(0.5, 7 * week_lags.lag_weeks'
                ~ ' / nullif(cast(unit_weeks.half_life_days as double), 0))'
            ) }}), 0) as {{ name }}__nanopoints,
        {% endfor %}
        {% for name, condition, days in windowed_counts %}
            {%- set window_lag = ([days, lookback] | min - 1) // 7 %}
            cast(coalesce(sum(case
                when week_lags.lag_weeks < {{ window_lag }} then unit_weeks.{{ name }}__all
                when week_lags.lag_weeks = {{ window_lag }} then unit_weeks.{{ name }}__last
            end), 0) as {{ dbt.type_bigint() }}) as {{ name }},
        {% endfor %}
        -- the youngest signal: 7 x weeks back + its offset in its week
        min(case
            when week_lags.lag_weeks < {{ last_lag }}
                then 7 * week_lags.lag_weeks + unit_weeks.offset_days__all
            else {{ 7 * last_lag }} + unit_weeks.offset_days__last
        end) as days_since_last_signal
    from unit_weeks
    cross join week_lags
    cross join weekly_grid
    where unit_weeks.week_index + week_lags.lag_weeks between 0 and weekly_grid.last_week_index
        {% if incremental %}
            -- a unit not computed in full needs only the new dates
            and (
                unit_weeks.is_computed
                or unit_weeks.week_index + week_lags.lag_weeks
                >= weekly_grid.first_new_week_index
            )
        {% endif %}
    group by unit_weeks.unit_key, unit_weeks.week_index + week_lags.lag_weeks
),

weekly_features as (
    select
        weekly_summed.unit_key,
        weekly_summed.week_index,
        weekly_summed.account_key,
        {% set parts = [] %}
        {% for name, condition in decayed_sums %}
            {% do parts.append('weekly_summed.' ~ name ~ '__nanopoints') %}
            {{ mqx_from_nanopoints('weekly_summed.' ~ name ~ '__nanopoints') }} as {{ name }},
        {% endfor %}
        {{ mqx_from_nanopoints(parts | join(' + ')) }} as total_score,
        {% for name, condition, days in windowed_counts %}
            weekly_summed.{{ name }},
        {% endfor %}
        weekly_summed.days_since_last_signal,
        cast(
            {{ dbt.dateadd('day', '7 * weekly_summed.week_index', 'weekly_grid.first_as_of_date') }}
            as date
        ) as as_of_date
    from weekly_summed
    cross join weekly_grid
    where weekly_summed.signals_in_lookback > 0
),

-- The run's as-of date is not on the weekly grid: its window is read signal by signal,
-- joined on the day (a hash join; a date range made a merge join of every signal).
run_date_window as (
    {{ mqx_window_days('calendar_dates', lookback) }}
),

run_date_signals as (
    select
        signal_days.*,
        calendar.as_of_date,
        calendar.age_days
    from signal_days
    inner join run_date_window as calendar on signal_days.signal_date = calendar.window_date
    where calendar.is_run_date
        {% if incremental %}and (signal_days.is_computed or calendar.is_new){% endif %}
),

run_date_features as (
    select
        unit_key,
        as_of_date,
        max(account_key) as account_key,
        {% set decayed = mqx_nanopoints(
            'weight * power(0.5, age_days / nullif(cast(half_life_days as double), 0))'
        ) %}
        {% for name, condition in decayed_sums %}
            {{ mqx_from_nanopoints(
                'coalesce(sum(case when ' ~ condition ~ ' then ' ~ decayed ~ ' end), 0)'
            ) }} as {{ name }},
        {% endfor %}
        {{ mqx_from_nanopoints('coalesce(sum(' ~ decayed ~ '), 0)') }} as total_score,
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
            total_score,
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
    {{ mqx_window_days('calendar_dates', recent_days) }}
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
    {% if incremental %}cross join new_dates{% endif %}
    where (
        signal_days.signal_class = 'intent'
        or signal_days.persona in ('decision_maker', 'champion')
    )
    {% if incremental %}
        -- a unit not computed in full needs only the windows of the new dates
        and (
            signal_days.is_computed
            or signal_days.signal_date >= cast({{ dbt.dateadd(
                'day', -1 * recent_days, 'new_dates.first_new_as_of_date'
            ) }} as date)
        )
        and (signal_days.is_computed or window_days.is_new)
    {% endif %}
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

signal_features as (
    select
        units.unit_type,
        units.unit_id,
        aggregated.as_of_date,
        aggregated.account_id,
        calendar_dates.is_run_date,
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
        aggregated.days_since_last_signal,
        units.signals_fingerprint
    from aggregated
    inner join calendar_dates on aggregated.as_of_date = calendar_dates.as_of_date
    inner join units on aggregated.unit_key = units.unit_key
    {% if incremental %}where units.is_computed or calendar_dates.is_new{% endif %}
),

final as (
    select
        unit_type,
        unit_id,
        as_of_date,
        account_id,
        is_run_date,
        intent_score,
        engagement_score,
        total_score,
        hand_raises_30d,
        people_with_intent_28d,
        people_with_intent_7d,
        intent_types_28d,
        intent_channels_28d,
        intent_weeks_28d,
        bombora_surge_topics_14d,
        g2_signals_28d,
        conversations_90d,
        referrals_90d,
        decision_makers_28d,
        pricing_views_14d,
        signals_in_window,
        days_since_last_signal,
        -- Hot MQL: sustained intent across several signal types and channels over more
        -- than one week
        intent_types_28d >= 2 and intent_channels_28d >= 2 and intent_weeks_28d >= 2
            as is_hot_mql,
        signals_fingerprint
    from signal_features
)

select * from final
