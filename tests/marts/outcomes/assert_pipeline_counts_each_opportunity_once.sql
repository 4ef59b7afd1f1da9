-- Every New Business opportunity is counted exactly once in each breakdown of
-- pipeline_metrics (total, channel, tier): opportunities and amounts created, and won,
-- add up to the opportunities themselves. Returns the breakdowns that do not.
with

opportunities as (
    select
        count(*) as opportunities_created,
        sum(coalesce(amount_usd, 0)) as pipeline_usd,
        count(case when is_won and close_date is not null then 1 end) as opportunities_won,
        sum(case when is_won and close_date is not null then coalesce(amount_usd, 0) else 0 end)
            as won_usd
    from {{ ref('stg_salesforce__opportunities') }}
    where is_new_business and created_at is not null
),

breakdowns as (
    select
        breakdown,
        sum(opportunities_created) as opportunities_created,
        sum(pipeline_usd) as pipeline_usd,
        sum(opportunities_won) as opportunities_won,
        sum(won_usd) as won_usd
    from {{ ref('pipeline_metrics') }}
    group by breakdown
),

expected as (
    select
        breakdown_names.breakdown,
        opportunities.*
    from opportunities
    cross join (
        select 'total' as breakdown
        union all
        select 'channel' as breakdown
        union all
        select 'tier' as breakdown
    ) as breakdown_names
)

select
    expected.breakdown,
    expected.opportunities_created as expected_created,
    breakdowns.opportunities_created as counted_created
from expected
left join breakdowns on expected.breakdown = breakdowns.breakdown
where coalesce(breakdowns.opportunities_created, 0) != expected.opportunities_created
    or coalesce(breakdowns.opportunities_won, 0) != expected.opportunities_won
    or abs(coalesce(breakdowns.pipeline_usd, 0) - coalesce(expected.pipeline_usd, 0)) > 0.01
    or abs(coalesce(breakdowns.won_usd, 0) - coalesce(expected.won_usd, 0)) > 0.01
