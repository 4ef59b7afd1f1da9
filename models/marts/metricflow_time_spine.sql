-- The semantic layer's time spine: one row per day, from the first of January two years
-- before the data starts to a year after the run's as-of date (closed deals and spend
-- can predate the first signal; plans look ahead). Without any data it spans the years
-- around today. Built from portable whole numbers (macro mqx_whole_numbers), so it runs
-- on any warehouse.
with

calendar as (
    select
        min(data_start_date) as data_start_date,
        max(run_as_of_date) as run_as_of_date
    from {{ ref('int_run_calendar') }}
),

bounds as (
    select
        cast({{ dbt.dateadd(
            'year', -2, dbt.date_trunc('year', 'coalesce(data_start_date, run_as_of_date)')
        ) }} as date) as start_date,
        cast({{ dbt.dateadd('year', 1, 'run_as_of_date') }} as date) as end_date
    from calendar
),

day_numbers as (
    select number as day_number from ({{ mqx_whole_numbers(4) }}) as numbers
),

days as (
    select
        cast(
            {{ dbt.dateadd('day', 'day_numbers.day_number', 'bounds.start_date') }} as date
        ) as date_day,
        bounds.end_date
    from bounds
    cross join day_numbers
),

final as (
    select date_day
    from days
    where date_day <= end_date
)

select * from final
