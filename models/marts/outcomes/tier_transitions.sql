-- One row each time a unit's tier changes between consecutive weekly as-of dates. A
-- unit without a row on a date was in tier none that week, so a unit that appears in
-- mex has a none -> mex transition and one that drops out a mex -> none transition.
-- Before the first as-of date every unit counts as none: a unit already in a tier on
-- the first date enters it there (is_history_start), so every spell in a tier other
-- than none starts with exactly one transition into it.
with

weekly as (
    select
        unit_type,
        unit_id,
        account_id,
        person_id,
        owner_id,
        tier,
        as_of_date
    from {{ ref('int_unit_tiers_weekly') }}
),

calendar as (
    select distinct as_of_date
    from {{ ref('int_run_calendar') }}
),

dates as (
    select
        as_of_date,
        lag(as_of_date) over (order by as_of_date asc nulls last) as previous_as_of_date,
        lead(as_of_date) over (order by as_of_date asc nulls last) as next_as_of_date
    from calendar
),

neighbours as (
    select
        weekly.*,
        dates.previous_as_of_date,
        dates.next_as_of_date,
        lag(weekly.as_of_date) over (
            partition by weekly.unit_type, weekly.unit_id
            order by weekly.as_of_date asc nulls last
        ) as unit_previous_as_of_date,
        lag(weekly.tier) over (
            partition by weekly.unit_type, weekly.unit_id
            order by weekly.as_of_date asc nulls last
        ) as unit_previous_tier,
        lead(weekly.as_of_date) over (
            partition by weekly.unit_type, weekly.unit_id
            order by weekly.as_of_date asc nulls last
        ) as unit_next_as_of_date
    from weekly
    inner join dates on weekly.as_of_date = dates.as_of_date
),

arrivals as (
    -- the tier on this date against the tier on the previous date (none when absent)
    select
        unit_type,
        unit_id,
        account_id,
        person_id,
        owner_id,
        case
            when previous_as_of_date is not null
                and unit_previous_as_of_date = previous_as_of_date
                then unit_previous_tier
            else 'none'
        end as from_tier,
        tier as to_tier,
        previous_as_of_date is null as is_history_start,
        as_of_date as transition_date
    from neighbours
),

departures as (
    -- present on this date, absent on the next one: back to none
    select
        unit_type,
        unit_id,
        account_id,
        person_id,
        owner_id,
        tier as from_tier,
        'none' as to_tier,
        false as is_history_start,
        next_as_of_date as transition_date
    from neighbours
    where next_as_of_date is not null
        and (unit_next_as_of_date is null or unit_next_as_of_date > next_as_of_date)
),

changes as (
    select * from arrivals
    where from_tier != to_tier
    union all
    select * from departures
    where from_tier != to_tier
),

final as (
    select
        unit_type || ':' || unit_id || ':'
        || cast(transition_date as {{ dbt.type_string() }}) as tier_transition_id,
        unit_type,
        unit_id,
        account_id,
        person_id,
        owner_id,
        from_tier,
        to_tier,
        is_history_start,
        transition_date
    from changes
)

select * from final
