-- Pipeline, revenue and spend by month, three ways: the total across all sources, by
-- channel (the opportunity's lead source mapped to a spend channel by seed
-- lead_source_channels), and by tier (the tier the opportunity's account held as an
-- account unit on the last weekly as-of date on or before the opportunity was
-- created; none when it held none or was never scored). Spend can only be split by
-- channel, so tier rows carry no spend. Within each breakdown every New Business
-- opportunity is counted exactly once: pipeline in the month it was created, revenue
-- in the month it closed won. efficiency = pipeline created / spend.
with

opportunities as (
    select
        opportunity_id,
        account_id,
        lead_source,
        amount_usd,
        is_won,
        close_date,
        created_at
    from {{ ref('stg_salesforce__opportunities') }}
    where is_new_business
),

spend as (
    select
        channel,
        amount_usd,
        spend_date
    from {{ ref('stg_marketing__spend') }}
),

channels as (
    select
        lead_source,
        channel
    from {{ ref('lead_source_channels') }}
),

account_weeks as (
    select
        unit_id as account_id,
        tier,
        as_of_date
    from {{ ref('int_unit_tiers_weekly') }}
    where unit_type = 'account'
),

tier_at_creation as (
    select
        opportunities.opportunity_id,
        account_weeks.tier
    from opportunities
    inner join account_weeks
        on opportunities.account_id = account_weeks.account_id
            and account_weeks.as_of_date <= cast(opportunities.created_at as date)
    qualify row_number() over (
            partition by opportunities.opportunity_id
            order by account_weeks.as_of_date desc nulls last
        ) = 1
),

attributed as (
    select
        opportunities.opportunity_id,
        coalesce(
            channels.channel, opportunities.lead_source, 'unattributed'
        ) as channel,
        coalesce(tier_at_creation.tier, 'none') as tier,
        coalesce(opportunities.amount_usd, 0) as amount_usd,
        opportunities.is_won,
        cast({{ dbt.date_trunc('month', 'opportunities.created_at') }} as date)
            as created_month,
        cast({{ dbt.date_trunc('month', 'opportunities.close_date') }} as date)
            as close_month
    from opportunities
    left join channels on opportunities.lead_source = channels.lead_source
    left join tier_at_creation
        on opportunities.opportunity_id = tier_at_creation.opportunity_id
),

facts as (
    -- one row per amount: pipeline created, revenue won, spend
    {%- for breakdown, value in [('total', "'all'"), ('channel', 'channel'), ('tier', 'tier')] %}
    select
        '{{ breakdown }}' as breakdown,
        {{ value }} as breakdown_value,
        created_month as metric_month,
        amount_usd as pipeline_usd,
        1 as opportunities_created,
        0.0 as won_usd,
        0 as opportunities_won,
        0.0 as spend_usd
    from attributed
    where created_month is not null

    union all

    select
        '{{ breakdown }}' as breakdown,
        {{ value }} as breakdown_value,
        close_month as metric_month,
        0.0 as pipeline_usd,
        0 as opportunities_created,
        amount_usd as won_usd,
        1 as opportunities_won,
        0.0 as spend_usd
    from attributed
    where is_won and close_month is not null

    union all
    {% endfor %}

    select
        'total' as breakdown,
        'all' as breakdown_value,
        cast({{ dbt.date_trunc('month', 'spend_date') }} as date) as metric_month,
        0.0 as pipeline_usd,
        0 as opportunities_created,
        0.0 as won_usd,
        0 as opportunities_won,
        coalesce(amount_usd, 0) as spend_usd
    from spend
    where spend_date is not null

    union all

    select
        'channel' as breakdown,
        coalesce(channel, 'unattributed') as breakdown_value,
        cast({{ dbt.date_trunc('month', 'spend_date') }} as date) as metric_month,
        0.0 as pipeline_usd,
        0 as opportunities_created,
        0.0 as won_usd,
        0 as opportunities_won,
        coalesce(amount_usd, 0) as spend_usd
    from spend
    where spend_date is not null
),

final as (
    select
        breakdown || ':' || breakdown_value || ':'
        || cast(metric_month as {{ dbt.type_string() }}) as pipeline_metric_id,
        breakdown,
        breakdown_value,
        cast(sum(opportunities_created) as {{ dbt.type_bigint() }}) as opportunities_created,
        -- amounts are summed as exact decimals: the totals do not depend on the order in
        -- which parallel threads add them up
        cast(sum(cast(pipeline_usd as decimal(38, 6))) as double) as pipeline_usd,
        cast(sum(opportunities_won) as {{ dbt.type_bigint() }}) as opportunities_won,
        cast(sum(cast(won_usd as decimal(38, 6))) as double) as won_usd,
        case
            when breakdown != 'tier'
                then cast(sum(cast(spend_usd as decimal(38, 6))) as double)
        end as spend_usd,
        case
            when breakdown != 'tier'
                then cast(sum(cast(pipeline_usd as decimal(38, 6))) as double)
                / nullif(cast(sum(cast(spend_usd as decimal(38, 6))) as double), 0)
        end as pipeline_per_spend,
        metric_month
    from facts
    group by breakdown, breakdown_value, metric_month
)

select * from final
