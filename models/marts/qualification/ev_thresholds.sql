-- The expected-value threshold per segment: engage a unit when P(in-market) exceeds
-- Cost_FP / (Cost_FP + Cost_FN), with Cost_FN = deal value x win rate.
with

economics as (
    select * from {{ ref('int_segment_economics') }}
),

final as (
    select
        segment,
        economics_source,
        closed_deals,
        cast(won_deals as {{ dbt.type_bigint() }}) as won_deals,
        deal_value_usd,
        win_rate,
        cost_false_negative_usd,
        direct_fp_cost_usd,
        hidden_fp_cost_usd,
        outreach_quality_multiplier,
        cost_false_positive_usd,
        threshold,
        is_from_history
    from economics
)

select * from final
