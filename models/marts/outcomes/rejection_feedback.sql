-- What sales rejects, and what the rejected showed first. Two breakdowns of every
-- person with a Salesforce lead:
--   tier         the tier the person's lead unit last held in the weekly history (the
--                CRM keeps no rejection date, so "last held" stands in for "held when
--                rejected"); none for a person who never was a lead unit;
--   signal_type  each signal type the person showed in the 90 days before the last
--                date they were scored (the run date if never scored); a person counts
--                once under each type they showed.
-- One row per breakdown value and rejection reason (unspecified when empty). A value
-- stands out when its rejection rate is more than twice the overall rate and it has
-- at least 5 leads. Values without any rejection have no rows.
with

people as (
    select
        person_id,
        lead_status,
        rejection_reason
    from {{ ref('int_people_resolved') }}
    where lead_id is not null
),

lead_weeks as (
    select
        unit_id as person_id,
        tier,
        as_of_date
    from {{ ref('int_unit_tiers_weekly') }}
    where unit_type = 'lead'
),

signals as (
    select
        person_id,
        signal_type,
        signal_date
    from {{ ref('int_signals_unified') }}
    where person_id is not null
),

run_date as (
    select max(run_as_of_date) as run_as_of_date
    from {{ ref('int_run_calendar') }}
),

last_scored as (
    select
        person_id,
        tier,
        as_of_date
    from lead_weeks
    qualify row_number() over (
            partition by person_id order by as_of_date desc nulls last
        ) = 1
),

leads as (
    select
        people.person_id,
        people.lead_status = 'rejected' as is_rejected,
        case
            when people.lead_status = 'rejected'
                then coalesce(people.rejection_reason, 'unspecified')
        end as rejection_reason,
        coalesce(last_scored.tier, 'none') as last_tier,
        coalesce(last_scored.as_of_date, run_date.run_as_of_date) as reference_date
    from people
    cross join run_date
    left join last_scored on people.person_id = last_scored.person_id
),

lead_signal_types as (
    select distinct
        leads.person_id,
        signals.signal_type
    from leads
    inner join signals
        on leads.person_id = signals.person_id
            and leads.reference_date > signals.signal_date
            and signals.signal_date >= cast(
                {{ dbt.dateadd('day', -90, 'leads.reference_date') }} as date
            )
),

breakdowns as (
    select
        'tier' as dimension,
        last_tier as dimension_value,
        person_id
    from leads

    union all

    select
        'signal_type' as dimension,
        signal_type as dimension_value,
        person_id
    from lead_signal_types
),

overall as (
    select
        count(*) as leads,
        count(case when is_rejected then 1 end) as rejected_leads,
        count(case when is_rejected then 1 end) / nullif(cast(count(*) as double), 0)
            as overall_rejection_rate
    from leads
),

by_value as (
    select
        breakdowns.dimension,
        breakdowns.dimension_value,
        count(*) as leads,
        count(case when leads.is_rejected then 1 end) as rejected_leads
    from breakdowns
    inner join leads on breakdowns.person_id = leads.person_id
    group by breakdowns.dimension, breakdowns.dimension_value
),

by_reason as (
    select
        breakdowns.dimension,
        breakdowns.dimension_value,
        leads.rejection_reason,
        count(*) as rejected_with_reason
    from breakdowns
    inner join leads on breakdowns.person_id = leads.person_id
    where leads.is_rejected
    group by breakdowns.dimension, breakdowns.dimension_value, leads.rejection_reason
),

final as (
    select
        by_reason.dimension || ':' || by_reason.dimension_value || ':'
        || by_reason.rejection_reason as rejection_feedback_id,
        by_reason.dimension,
        by_reason.dimension_value,
        by_reason.rejection_reason,
        by_reason.rejected_with_reason,
        by_value.rejected_leads,
        by_value.leads,
        by_reason.rejected_with_reason / nullif(cast(by_value.rejected_leads as double), 0)
            as reason_share,
        by_value.rejected_leads / nullif(cast(by_value.leads as double), 0)
            as rejection_rate,
        overall.overall_rejection_rate,
        by_value.rejected_leads / nullif(cast(by_value.leads as double), 0)
        / nullif(overall.overall_rejection_rate, 0) as rejection_rate_vs_overall,
        coalesce(
            by_value.leads >= 5
            and by_value.rejected_leads / nullif(cast(by_value.leads as double), 0)
            > 2 * overall.overall_rejection_rate,
            false
        ) as is_standout
    from by_reason
    inner join by_value
        on by_reason.dimension = by_value.dimension
            and by_reason.dimension_value = by_value.dimension_value
    cross join overall
)

select * from final
