-- One row each time a unit's tier changes between consecutive weekly as-of dates. A
-- unit without a row on a date was in tier none that week, so a unit that appears in
-- mex has a none -> mex transition and one that drops out a mex -> none transition.
-- Before the first as-of date every unit counts as none: a unit already in a tier on
-- the first date enters it there (is_history_start), so every spell in a tier other
-- than none starts with exactly one transition into it.
-- Read off the spells (int_unit_tier_spells), not the ~16M weekly rows: a tier changes
-- only where a spell starts (from the spell that ended the week before, or none) or
-- where a spell ends and the unit is absent the next week (back to none). Who the unit
-- is (account, person, owner) comes from int_units_profiled.
with

units as (
    select
        unit_type,
        unit_id,
        account_id,
        person_id,
        owner_id
    from {{ ref('int_units_profiled') }}
),

spells as (
    select
        unit_type,
        unit_id,
        tier,
        spell_start_date,
        spell_end_date
    from {{ ref('int_unit_tier_spells') }}
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

arrivals as (
    -- the tier a spell starts in against the tier of the week before (none when absent)
    select
        spells.unit_type,
        spells.unit_id,
        coalesce(previous_spells.tier, 'none') as from_tier,
        spells.tier as to_tier,
        dates.previous_as_of_date is null as is_history_start,
        spells.spell_start_date as transition_date
    from spells
    inner join dates on spells.spell_start_date = dates.as_of_date
    left join spells as previous_spells
        on spells.unit_type = previous_spells.unit_type
            and spells.unit_id = previous_spells.unit_id
            and dates.previous_as_of_date = previous_spells.spell_end_date
),

departures as (
    -- a spell that ends while the unit is absent on the next date: back to none
    select
        spells.unit_type,
        spells.unit_id,
        spells.tier as from_tier,
        'none' as to_tier,
        false as is_history_start,
        dates.next_as_of_date as transition_date
    from spells
    inner join dates on spells.spell_end_date = dates.as_of_date
    left join spells as next_spells
        on spells.unit_type = next_spells.unit_type
            and spells.unit_id = next_spells.unit_id
            and dates.next_as_of_date = next_spells.spell_start_date
    where dates.next_as_of_date is not null
        and next_spells.unit_id is null
),

changes as (
    select * from arrivals
    where from_tier != to_tier
    union all
    select * from departures
    where from_tier != to_tier
),

described as (
    -- who the unit is (every unit with a spell is among the profiled units)
    select
        changes.unit_type,
        changes.unit_id,
        units.account_id,
        units.person_id,
        units.owner_id,
        changes.from_tier,
        changes.to_tier,
        changes.is_history_start,
        changes.transition_date
    from changes
    inner join units
        on changes.unit_type = units.unit_type
            and changes.unit_id = units.unit_id
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
    from described
)

select * from final
