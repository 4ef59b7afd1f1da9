-- One row per unit (lead, account, buying group) as of the run date: its tier, why, and
-- what sales should do about it. Every unit is in exactly one tier (hand_raiser, mqx,
-- mex, none); excluded units are in none with their exclusion reason.
with

units as (
    select * from {{ ref('int_units_profiled') }}
),

weekly as (
    select * from {{ ref('int_unit_tiers_weekly') }}
),

calendar as (
    select distinct
        as_of_date,
        run_as_of_date,
        is_run_date
    from {{ ref('int_run_calendar') }}
),

economics as (
    select
        segment,
        threshold
    from {{ ref('int_segment_economics') }}
),

reasons as (
    select
        unit_type,
        unit_id,
        top_reasons
    from {{ ref('int_unit_reasons') }}
),

hand_raises as (
    select
        unit_type,
        unit_id,
        min(occurred_at) as first_hand_raise_at
    from {{ ref('int_unit_signals_current') }}
    where signal_class = 'hand_raise' and age_days <= {{ var('hand_raise_window_days') }}
    group by unit_type, unit_id
),

playbooks as (
    select
        tier,
        action,
        framing,
        sla_hours,
        expected_conversion,
        owner_role
    from {{ ref('playbooks') }}
),

run_date as (
    select max(run_as_of_date) as run_as_of_date from calendar
),

current_spells as (
    -- the unbroken run of weeks in the tier the unit holds on the run date
    select
        unit_type,
        unit_id,
        spell_start_date as tier_entered_date
    from {{ ref('int_unit_tier_spells') }}
    where is_current
),

current_week as (
    select weekly.*
    from weekly
    inner join run_date on weekly.as_of_date = run_date.run_as_of_date
),

joined as (
    select
        units.unit_key,
        units.unit_type,
        units.unit_id,
        units.account_id,
        units.person_id,
        units.solution_area,
        units.company_domain,
        units.owner_id,
        units.segment,
        units.fit_grade,
        coalesce(current_week.tier, 'none') as tier,
        units.exclusion_reason,
        reasons.top_reasons,
        coalesce(current_week.p_in_market, 0) as p_in_market,
        economics.threshold,
        coalesce(current_week.expected_value_usd, 0) as expected_value_usd,
        coalesce(current_week.intent_score, 0) as intent_score,
        coalesce(current_week.engagement_score, 0) as engagement_score,
        units.fit_score,
        units.is_excluded,
        coalesce(current_week.is_hot_mql, false) as is_hot_mql,
        run_date.run_as_of_date as as_of_date,
        case
            when coalesce(current_week.tier, 'none') = 'hand_raiser'
                then hand_raises.first_hand_raise_at
            when current_week.tier is not null
                then cast(current_spells.tier_entered_date as {{ dbt.type_timestamp() }})
        end as tier_entered_at
    from units
    cross join run_date
    left join current_week
        on units.unit_type = current_week.unit_type
            and units.unit_id = current_week.unit_id
    left join current_spells
        on units.unit_type = current_spells.unit_type
            and units.unit_id = current_spells.unit_id
    left join hand_raises
        on units.unit_type = hand_raises.unit_type
            and units.unit_id = hand_raises.unit_id
    left join reasons
        on units.unit_type = reasons.unit_type
            and units.unit_id = reasons.unit_id
    left join economics on units.segment = economics.segment
),

final as (
    select
        joined.unit_key as tier_assignment_id,
        joined.unit_type,
        joined.unit_id,
        joined.account_id,
        joined.person_id,
        joined.solution_area,
        joined.company_domain,
        joined.owner_id,
        playbooks.owner_role,
        joined.segment,
        joined.fit_grade,
        joined.tier,
        joined.exclusion_reason,
        joined.top_reasons,
        playbooks.action as playbook_action,
        playbooks.framing as playbook_framing,
        joined.fit_score,
        joined.p_in_market,
        joined.threshold,
        joined.expected_value_usd,
        joined.intent_score,
        joined.engagement_score,
        playbooks.expected_conversion,
        playbooks.sla_hours,
        joined.is_excluded,
        joined.is_hot_mql,
        joined.as_of_date,
        joined.tier_entered_at,
        case
            when playbooks.sla_hours is not null and joined.tier_entered_at is not null
                then {{ dbt.dateadd('hour', 'playbooks.sla_hours', 'joined.tier_entered_at') }}
        end as sla_due_at
    from joined
    left join playbooks on joined.tier = playbooks.tier
)

select * from final
