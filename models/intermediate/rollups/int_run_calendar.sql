-- The dates every rollup is computed for: one row per as-of date, weekly (each Monday)
-- from history_min_weeks into the data up to the run's as-of date, plus the as-of date
-- itself. Features on an as-of date use only what happened before it. The run's as-of
-- date is var('as_of_date'), or the day after the latest signal so that a rebuild of
-- the same data gives the same answer (today when there are no signals at all).
with

signal_dates as (
    select
        min(signal_date) as data_start_date,
        max(signal_date) as data_end_date
    from {{ ref('int_signals_unified') }}
),

run as (
    select
        data_start_date,
        data_end_date,
        {% if var('as_of_date') %}
            cast('{{ var("as_of_date") }}' as date)
        {% else %}
            coalesce(
                cast({{ dbt.dateadd('day', 1, 'data_end_date') }} as date), current_date
            )
        {% endif %} as run_as_of_date
    from signal_dates
),

first_monday as (
    -- the first Monday history_min_weeks weeks after the data starts
    select
        run.*,
        cast({{ dbt.dateadd(
            'week', var('history_min_weeks') + 1, dbt.date_trunc('week', 'data_start_date')
        ) }} as date) as first_as_of_date
    from run
),

week_numbers as (
    select number as week_number from ({{ mqx_whole_numbers(3) }}) as numbers
),

weekly as (
    select
        cast(
            {{ dbt.dateadd('week', 'week_numbers.week_number', 'first_monday.first_as_of_date') }}
            as date
        ) as as_of_date,
        first_monday.run_as_of_date,
        first_monday.data_start_date,
        first_monday.data_end_date
    from first_monday
    cross join week_numbers
),

as_of_dates as (
    select as_of_date, run_as_of_date, data_start_date, data_end_date
    from weekly
    where as_of_date < run_as_of_date
        and as_of_date >= cast({{ dbt.dateadd(
            'week', -1 * var('history_weeks'), 'run_as_of_date'
        ) }} as date)

    union all

    select run_as_of_date as as_of_date, run_as_of_date, data_start_date, data_end_date
    from first_monday
),

final as (
    select
        as_of_date,
        run_as_of_date,
        data_start_date,
        data_end_date,
        as_of_date = run_as_of_date as is_run_date
    from as_of_dates
)

select * from final
