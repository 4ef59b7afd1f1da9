-- The signals that count for each unit as of the run date: those of the lookback window
-- before it, each with its recency-decayed weight (weight x 0.5 ^ (age / half-life)).
-- Summed per unit they give exactly the unit's total_score on the run date.
with

calendar as (
    select distinct run_as_of_date from {{ ref('int_run_calendar') }}
),

unit_signals as (
    select * from {{ ref('int_unit_signals') }}
),

windowed as (
    select
        unit_signals.*,
        calendar.run_as_of_date as as_of_date,
        {{ dbt.datediff('unit_signals.signal_date', 'calendar.run_as_of_date', 'day') }}
            as age_days
    from unit_signals
    cross join calendar
    where unit_signals.signal_date < calendar.run_as_of_date
        and unit_signals.signal_date >= cast({{ dbt.dateadd(
            'day', -1 * var('signal_lookback_days'), 'calendar.run_as_of_date'
        ) }} as date)
),

final as (
    select
        *,
        weight * power(0.5, age_days / nullif(cast(half_life_days as double), 0))
            as decayed_weight
    from windowed
)

select * from final
