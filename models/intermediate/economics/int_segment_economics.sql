-- The expected-value threshold per segment. Deal value and win rate come from closed
-- New Business opportunities of the trailing window (economics_trailing_days before the
-- run's as-of date) when there are at least economics_min_closed_deals of them, else
-- from the configured fallback (seed economics). Then
--   Cost_FN   = deal value x win rate            (what a missed buyer costs)
--   Cost_FP   = (direct + hidden cost) x outreach-quality multiplier
--   threshold = Cost_FP / (Cost_FP + Cost_FN)    (engage when P(in-market) exceeds it)
with

calendar as (
    select max(run_as_of_date) as run_as_of_date from {{ ref('int_run_calendar') }}
),

economics as (
    select
        segment,
        fallback_deal_value_usd,
        fallback_win_rate,
        direct_fp_cost_usd,
        hidden_fp_cost_usd,
        outreach_quality_multiplier
    from {{ ref('economics') }}
),

accounts as (
    select account_id, segment from {{ ref('int_accounts_profiled') }}
),

closed_deals as (
    select
        accounts.segment,
        opportunities.amount_usd,
        opportunities.is_won
    from {{ ref('stg_salesforce__opportunities') }} as opportunities
    inner join accounts on opportunities.account_id = accounts.account_id
    cross join calendar
    where opportunities.is_new_business
        and opportunities.is_closed
        and opportunities.close_date <= calendar.run_as_of_date
        and opportunities.close_date > cast({{ dbt.dateadd(
            'day', -1 * var('economics_trailing_days'), 'calendar.run_as_of_date'
        ) }} as date)
),

history as (
    select
        segment,
        count(*) as closed_deals,
        {{ mqx_count_if('is_won') }} as won_deals,
        avg(case when is_won then amount_usd end) as avg_won_amount_usd
    from closed_deals
    group by segment
),

chosen as (
    select
        economics.segment,
        coalesce(history.closed_deals, 0) as closed_deals,
        coalesce(history.won_deals, 0) as won_deals,
        coalesce(history.closed_deals, 0) >= {{ var('economics_min_closed_deals') }}
        and coalesce(history.won_deals, 0) > 0 as is_from_history,
        history.avg_won_amount_usd,
        economics.fallback_deal_value_usd,
        economics.fallback_win_rate,
        economics.direct_fp_cost_usd,
        economics.hidden_fp_cost_usd,
        economics.outreach_quality_multiplier,
        cast(history.won_deals as double) / nullif(history.closed_deals, 0) as historical_win_rate
    from economics
    left join history on economics.segment = history.segment
),

costed as (
    select
        *,
        case when is_from_history then avg_won_amount_usd else fallback_deal_value_usd end
            as deal_value_usd,
        case when is_from_history then historical_win_rate else fallback_win_rate end
            as win_rate,
        (direct_fp_cost_usd + hidden_fp_cost_usd) * outreach_quality_multiplier
            as cost_false_positive_usd
    from chosen
),

final as (
    select
        segment,
        case
            when is_from_history
                then 'closed New Business history ('
                    || cast(closed_deals as {{ dbt.type_string() }})
                    || ' closed deals, trailing {{ var("economics_trailing_days") }} days)'
            else 'configured fallback (seed economics; '
                || cast(closed_deals as {{ dbt.type_string() }})
                || ' closed deals < minimum {{ var("economics_min_closed_deals") }})'
        end as economics_source,
        closed_deals,
        won_deals,
        deal_value_usd,
        win_rate,
        deal_value_usd * win_rate as cost_false_negative_usd,
        direct_fp_cost_usd,
        hidden_fp_cost_usd,
        outreach_quality_multiplier,
        cost_false_positive_usd,
        cost_false_positive_usd
        / nullif(cost_false_positive_usd + deal_value_usd * win_rate, 0) as threshold,
        is_from_history
    from costed
)

select * from final
