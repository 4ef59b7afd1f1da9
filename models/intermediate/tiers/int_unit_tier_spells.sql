-- Unbroken spells in a tier: each run of consecutive as-of dates (int_run_calendar) a
-- unit spent in one tier. A unit enters a tier when a spell starts; is_current marks the
-- spell that reaches the run date. tier_assignments takes the tier's entry date from
-- here, and the outcome marts judge each entry on the tier it entered.
-- Speed: the runs are found on whole numbers (a number per unit, per week) and the names
-- and dates are joined back once per spell: sorting ~16M weekly rows on the long string
-- unit keys was most of this model's time.
with

weekly as (
    select unit_type, unit_id, tier, as_of_date from {{ ref('int_unit_tiers_weekly') }}
),

weekly_units as (
    -- its own read of the weekly rows: a second reader of `weekly` would make DuckDB
    -- materialize all of them first
    select distinct unit_type, unit_id from {{ ref('int_unit_tiers_weekly') }}
),

calendar as (
    select distinct as_of_date, run_as_of_date from {{ ref('int_run_calendar') }}
),

week_index as (
    -- consecutive as-of dates get consecutive numbers, so a gap breaks a spell
    select
        as_of_date,
        run_as_of_date,
        row_number() over (order by as_of_date asc nulls last) as week_number
    from calendar
),

unit_index as (
    select
        unit_type,
        unit_id,
        row_number() over (
            order by unit_type asc nulls last, unit_id asc nulls last
        ) as unit_number
    from weekly_units
),

numbered as (
    select
        unit_index.unit_number,
        weekly.tier,
        week_index.week_number
    from weekly
    inner join unit_index
        on weekly.unit_type = unit_index.unit_type
            and weekly.unit_id = unit_index.unit_id
    inner join week_index on weekly.as_of_date = week_index.as_of_date
),

spell_rows as (
    select
        unit_number,
        tier,
        week_number,
        week_number
        - row_number() over (
            partition by unit_number, tier
            order by week_number asc nulls last
        ) as spell_key
    from numbered
),

spells as (
    select
        unit_number,
        tier,
        count(*) as weeks_in_tier,
        min(week_number) as start_week_number,
        max(week_number) as end_week_number
    from spell_rows
    group by unit_number, tier, spell_key
),

spells_dated as (
    select
        unit_index.unit_type,
        unit_index.unit_id,
        spells.tier,
        spells.weeks_in_tier,
        spell_starts.as_of_date as spell_start_date,
        spell_ends.as_of_date as spell_end_date,
        spell_ends.run_as_of_date
    from spells
    inner join unit_index on spells.unit_number = unit_index.unit_number
    inner join week_index as spell_starts
        on spells.start_week_number = spell_starts.week_number
    inner join week_index as spell_ends
        on spells.end_week_number = spell_ends.week_number
),

final as (
    select
        unit_type || ':' || unit_id || ':' || tier || ':'
        || cast(spell_start_date as {{ dbt.type_string() }}) as tier_spell_id,
        unit_type,
        unit_id,
        tier,
        weeks_in_tier,
        spell_end_date = run_as_of_date as is_current,
        spell_start_date,
        spell_end_date
    from spells_dated
)

select * from final
