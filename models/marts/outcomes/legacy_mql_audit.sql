-- The points-based MQL model mqx replaces, run on the same activity and set beside the
-- tiers. Points per activity come from seed legacy_mql_points and are summed over the
-- 90 days before a date, with no decay and no fit; at var('legacy_mql_threshold')
-- points a person is a legacy MQL. Like the old model it also counts what mqx does not:
-- every email open (weight 0 in the signal catalog) and machine-made opens and clicks
-- (stg_marketo__email_bot_activities). That activity is "noise".
-- One row per person with legacy points on any weekly as-of date:
--   on the run date   points, is_legacy_mql, the lead unit's tier (tier_assignments) and
--                     legacy_category: hand_raiser, real_intent (mqx), bots_and_noise
--                     (more than half the points from noise, or tier none),
--                     merely_engaged (mex);
--   in the history    the first weekly as-of date the person crossed the threshold, the
--                     tier their lead unit held that day, and whether their account opened
--                     a New Business opportunity within 90 days of it. The run date
--                     itself cannot show conversion (nothing after it is known yet).
{%- set threshold = var('legacy_mql_threshold') %}
with

points as (
    select
        activity_type,
        points
    from {{ ref('legacy_mql_points') }}
),

catalog_open_weight as (
    select max(weight) as weight
    from {{ ref('signal_catalog') }}
    where signal_source = 'email_open'
),

identifiers as (
    select
        identifier,
        person_id
    from {{ ref('int_person_identifiers') }}
    where identifier_type = 'marketo_lead'
),

people as (
    select
        person_id,
        account_id
    from {{ ref('int_people_resolved') }}
),

signals as (
    select
        person_id,
        signal_type as activity_type,
        false as is_noise,
        signal_date as activity_date
    from {{ ref('int_signals_unified') }}
    where person_id is not null and signal_source != 'email_open'
),

human_opens as (
    select
        identifiers.person_id,
        'email_open' as activity_type,
        coalesce(catalog_open_weight.weight, 0) <= 0 as is_noise,
        cast(opens.opened_at as date) as activity_date
    from {{ ref('stg_marketo__email_opens') }} as opens
    inner join identifiers on opens.marketo_lead_id = identifiers.identifier
    cross join catalog_open_weight
),

bot_activities as (
    select
        identifiers.person_id,
        'email_' || bots.activity_type as activity_type,
        true as is_noise,
        cast(bots.occurred_at as date) as activity_date
    from {{ ref('stg_marketo__email_bot_activities') }} as bots
    inner join identifiers on bots.marketo_lead_id = identifiers.identifier
),

activities as (
    select
        unioned.person_id,
        unioned.is_noise,
        unioned.activity_date,
        points.points
    from (
        select * from signals
        union all
        select * from human_opens
        union all
        select * from bot_activities
    ) as unioned
    inner join points on unioned.activity_type = points.activity_type
    where unioned.activity_date is not null and points.points != 0
),

calendar as (
    select distinct
        as_of_date,
        run_as_of_date,
        is_run_date
    from {{ ref('int_run_calendar') }}
),

calendar_weeks as (
    select
        calendar.*,
        row_number() over (order by calendar.as_of_date asc nulls last) as week_number
    from calendar
),

-- each as-of date with the 90 days before it, joined to the days on equality
window_days as (
    {{ mqx_window_days('calendar_weeks', 90) }}
),

-- The 90-day sums of every person on every weekly as-of date are not built (one row per
-- person and week, from ~13 copies of every active day): only the first week a person
-- reaches the threshold is needed from the history. A day counts on a run of consecutive
-- as-of dates (those up to 90 days after it), so each activity adds its points where its
-- run starts and takes them off after it ends; a running total per person over those
-- changes is the 90-day sum of each week in which it changes.
day_weeks as (
    select
        window_date,
        min(week_number) as first_week_number,
        max(week_number) as last_week_number
    from window_days
    group by window_date
),

person_weeks as (
    select
        activities.person_id,
        day_weeks.first_week_number,
        day_weeks.last_week_number,
        sum(activities.points) as points,
        count(*) as activities
    from activities
    inner join day_weeks on activities.activity_date = day_weeks.window_date
    group by activities.person_id, day_weeks.first_week_number, day_weeks.last_week_number
),

changes as (
    select
        person_id,
        first_week_number as week_number,
        points,
        activities
    from person_weeks

    union all

    select
        person_id,
        last_week_number + 1 as week_number,
        -1 * points as points,
        -1 * activities as activities
    from person_weeks
),

running as (
    -- the frame ends with the current week's peers: all changes of one week count at once
    select
        person_id,
        week_number,
        sum(points) over (
            partition by person_id
            order by week_number asc nulls last
            range between unbounded preceding and current row
        ) as legacy_points,
        sum(activities) over (
            partition by person_id
            order by week_number asc nulls last
            range between unbounded preceding and current row
        ) as activities_in_window
    from changes
),

first_mql as (
    select
        running.person_id,
        min(calendar_weeks.as_of_date) as first_legacy_mql_date
    from running
    inner join calendar_weeks on running.week_number = calendar_weeks.week_number
    where running.legacy_points >= {{ threshold }} and running.activities_in_window > 0
    group by running.person_id
),

lead_weeks as (
    select
        unit_id as person_id,
        tier,
        as_of_date
    from {{ ref('int_unit_tiers_weekly') }}
    where unit_type = 'lead'
),

assignments as (
    select
        unit_id as person_id,
        tier
    from {{ ref('tier_assignments') }}
    where unit_type = 'lead'
),

opportunities as (
    select
        opportunity_id,
        account_id,
        created_at
    from {{ ref('stg_salesforce__opportunities') }}
    where is_new_business
),

run_date as (
    select max(run_as_of_date) as run_as_of_date from calendar
),

persons as (
    -- everyone with points on any weekly as-of date
    select distinct person_id from person_weeks
),

on_run_date as (
    select
        activities.person_id,
        cast(sum(activities.points) as {{ dbt.type_bigint() }}) as legacy_points,
        cast(
            sum(case when activities.is_noise then activities.points else 0 end)
            as {{ dbt.type_bigint() }}
        ) as noise_points
    from activities
    inner join window_days on activities.activity_date = window_days.window_date
    where window_days.is_run_date
    group by activities.person_id, window_days.as_of_date
),

converted as (
    -- joined on equalities only and the 90 days tested in the count: with the date range
    -- in the join condition the optimizer may pair every MQL with every opportunity
    select
        first_mql.person_id,
        count(
            case
                when cast(opportunities.created_at as date) >= first_mql.first_legacy_mql_date
                    and cast(opportunities.created_at as date) < cast(
                        {{ dbt.dateadd('day', 90, 'first_mql.first_legacy_mql_date') }} as date
                    )
                    then opportunities.opportunity_id
            end
        ) as opportunities_within_90d
    from first_mql
    inner join people on first_mql.person_id = people.person_id
    inner join opportunities on people.account_id = opportunities.account_id
    group by first_mql.person_id
),

joined as (
    select
        persons.person_id,
        people.account_id,
        coalesce(assignments.tier, 'none') as tier,
        coalesce(on_run_date.legacy_points, 0) as legacy_points,
        coalesce(on_run_date.noise_points, 0) as noise_points,
        coalesce(on_run_date.legacy_points, 0) >= {{ threshold }} as is_legacy_mql,
        first_mql.first_legacy_mql_date,
        case
            when first_mql.first_legacy_mql_date is not null
                then coalesce(tier_then.tier, 'none')
        end as tier_at_first_legacy_mql,
        case
            when first_mql.first_legacy_mql_date is not null
                then coalesce(converted.opportunities_within_90d, 0) > 0
        end as has_opportunity_within_90d,
        case
            when first_mql.first_legacy_mql_date is not null
                then cast(
                    {{ dbt.dateadd('day', 90, 'first_mql.first_legacy_mql_date') }} as date
                ) <= run_date.run_as_of_date
        end as is_conversion_window_complete,
        run_date.run_as_of_date as as_of_date
    from persons
    cross join run_date
    left join people on persons.person_id = people.person_id
    left join assignments on persons.person_id = assignments.person_id
    left join on_run_date on persons.person_id = on_run_date.person_id
    left join first_mql on persons.person_id = first_mql.person_id
    left join lead_weeks as tier_then
        on first_mql.person_id = tier_then.person_id
            and first_mql.first_legacy_mql_date = tier_then.as_of_date
    left join converted on persons.person_id = converted.person_id
),

final as (
    select
        person_id,
        account_id,
        tier,
        case
            when not is_legacy_mql then 'not_legacy_mql'
            when tier = 'hand_raiser' then 'hand_raiser'
            when tier = 'mqx' then 'real_intent'
            when noise_points > legacy_points / 2.0 or tier = 'none' then 'bots_and_noise'
            else 'merely_engaged'
        end as legacy_category,
        tier_at_first_legacy_mql,
        legacy_points,
        noise_points,
        noise_points / nullif(cast(legacy_points as double), 0) as noise_share,
        is_legacy_mql,
        noise_points > legacy_points / 2.0 as is_mostly_noise,
        has_opportunity_within_90d,
        is_conversion_window_complete,
        first_legacy_mql_date,
        as_of_date
    from joined
)

select * from final
