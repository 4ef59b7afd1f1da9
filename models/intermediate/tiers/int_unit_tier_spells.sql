-- Unbroken spells in a tier: each run of consecutive as-of dates (int_run_calendar) a
-- unit spent in one tier. A unit enters a tier when a spell starts; is_current marks the
-- spell that reaches the run date. tier_assignments takes the tier's entry date from
-- here, and the outcome marts judge each entry on the tier it entered.
with

weekly as (
    select unit_type, unit_id, tier, as_of_date from {{ ref('int_unit_tiers_weekly') }}
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

spell_rows as (
    select
        weekly.unit_type,
        weekly.unit_id,
        weekly.tier,
        weekly.as_of_date,
        week_index.run_as_of_date,
        week_index.week_number
        - row_number() over (
            partition by weekly.unit_type, weekly.unit_id, weekly.tier
            order by weekly.as_of_date asc nulls last
        ) as spell_key
    from weekly
    inner join week_index on weekly.as_of_date = week_index.as_of_date
),

spells as (
    select
        unit_type,
        unit_id,
        tier,
        count(*) as weeks_in_tier,
        min(as_of_date) as spell_start_date,
        max(as_of_date) as spell_end_date,
        max(run_as_of_date) as run_as_of_date
    from spell_rows
    group by unit_type, unit_id, tier, spell_key
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
    from spells
)

select * from final
