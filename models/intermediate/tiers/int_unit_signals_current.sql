-- The signals that count for each unit as of the run date: those of the lookback window
-- before it, each with its recency-decayed weight (weight x 0.5 ^ (age / half-life)).
-- Summed per unit they give exactly the unit's total_score on the run date.
-- Stored once, here: the reasons, tier_assignments and the signals mart (a view of it)
-- read it, and each read of a view recomputed the window join.
with

calendar as (
    select distinct run_as_of_date as as_of_date from {{ ref('int_run_calendar') }}
),

unit_signals as (
    select * from {{ ref('int_unit_signals') }}
),

-- the run date with each day of the lookback before it (1 .. signal_lookback_days): the
-- signals join on that day, an equality (hash) join, instead of on a date range (which
-- DuckDB ran as a merge join that sorted every wide signal row first)
lookback_days as (
    {{ mqx_window_days('calendar', var('signal_lookback_days')) }}
),

windowed as (
    select
        unit_signals.*,
        lookback_days.as_of_date,
        {{ dbt.datediff('unit_signals.signal_date', 'lookback_days.as_of_date', 'day') }}
            as age_days
    from unit_signals
    inner join lookback_days on unit_signals.signal_date = lookback_days.window_date
),

final as (
    select
        *,
        weight * power(0.5, age_days / nullif(cast(half_life_days as double), 0))
            as decayed_weight
    from windowed
)

select * from final
