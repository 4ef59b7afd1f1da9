-- Tier cohorts: units that entered a tier in a month, by tier and unit type, and how
-- many of them sales touched, accepted (lead units), met, turned into a New Business
-- opportunity and won within conversion_window_days of entry. Each entry is judged on
-- the tier it entered (tier_entries). The opportunity rate stands next to the
-- playbook's expected_conversion; the mqx flags fire only for cohorts large enough
-- (var conversion_min_cohort_units) whose window has fully elapsed.
{%- set min_units = var('conversion_min_cohort_units') %}
with

entries as (
    select * from {{ ref('tier_entries') }}
),

playbooks as (
    select
        tier,
        expected_conversion
    from {{ ref('playbooks') }}
),

cohorts as (
    select
        cohort_month,
        tier,
        unit_type,
        count(*) as units_entered,
        count(case when is_window_complete then 1 end) as units_window_complete,
        count(case when is_touched_within_window then 1 end) as units_touched,
        count(case when is_accepted then 1 end) as units_accepted,
        count(case when unit_type = 'lead' then 1 end) as lead_units_entered,
        count(case when has_meeting_within_window then 1 end) as units_with_meeting,
        count(case when has_opportunity_within_window then 1 end) as units_with_opportunity,
        count(case when is_won_within_window then 1 end) as units_won
    from entries
    group by cohort_month, tier, unit_type
),

rated as (
    select
        cohorts.*,
        playbooks.expected_conversion,
        cohorts.units_touched / nullif(cast(cohorts.units_entered as double), 0)
            as touch_rate,
        cohorts.units_accepted / nullif(cast(cohorts.lead_units_entered as double), 0)
            as acceptance_rate,
        cohorts.units_with_meeting / nullif(cast(cohorts.units_entered as double), 0)
            as meeting_rate,
        cohorts.units_with_opportunity / nullif(cast(cohorts.units_entered as double), 0)
            as opportunity_rate,
        cohorts.units_won / nullif(cast(cohorts.units_entered as double), 0) as win_rate,
        cohorts.units_entered >= {{ min_units }}
        and cohorts.units_window_complete = cohorts.units_entered as is_judgeable
    from cohorts
    left join playbooks on cohorts.tier = playbooks.tier
),

final as (
    select
        cast(cohort_month as {{ dbt.type_string() }}) || ':' || tier || ':' || unit_type
            as tier_cohort_id,
        tier,
        unit_type,
        units_entered,
        units_window_complete,
        units_touched,
        lead_units_entered,
        units_accepted,
        units_with_meeting,
        units_with_opportunity,
        units_won,
        touch_rate,
        acceptance_rate,
        meeting_rate,
        opportunity_rate,
        win_rate,
        expected_conversion,
        opportunity_rate - expected_conversion as opportunity_rate_vs_expected,
        is_judgeable,
        coalesce(tier = 'mqx' and is_judgeable and opportunity_rate < 0.20, false)
            as is_mqx_too_loose,
        coalesce(tier = 'mqx' and is_judgeable and opportunity_rate > 0.50, false)
            as is_mqx_bar_too_high,
        cohort_month
    from rated
)

select * from final
