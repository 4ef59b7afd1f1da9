-- The tier cohorts add up to the tier entries, per tier and unit type, and every entry
-- into hand_raiser, mqx or mex starts with exactly one transition into that tier.
-- Returns the tiers and unit types where the counts differ.
with

cohorts as (
    select
        tier,
        unit_type,
        sum(units_entered) as entries
    from {{ ref('tier_conversion') }}
    group by tier, unit_type
),

entries as (
    select
        tier,
        unit_type,
        count(*) as entries
    from {{ ref('tier_entries') }}
    group by tier, unit_type
),

transitions as (
    select
        to_tier as tier,
        unit_type,
        count(*) as entries
    from {{ ref('tier_transitions') }}
    where to_tier != 'none'
    group by to_tier, unit_type
),

compared as (
    select
        coalesce(entries.tier, cohorts.tier) as tier,
        coalesce(entries.unit_type, cohorts.unit_type) as unit_type,
        coalesce(entries.entries, 0) as entries,
        coalesce(cohorts.entries, 0) as cohort_entries,
        case
            when coalesce(entries.tier, cohorts.tier) = 'none' then coalesce(entries.entries, 0)
            else coalesce(transitions.entries, 0)
        end as transition_entries
    from entries
    full outer join cohorts
        on entries.tier = cohorts.tier and entries.unit_type = cohorts.unit_type
    left join transitions
        on coalesce(entries.tier, cohorts.tier) = transitions.tier
            and coalesce(entries.unit_type, cohorts.unit_type) = transitions.unit_type
)

select * from compared
where entries != cohort_entries or entries != transition_entries
