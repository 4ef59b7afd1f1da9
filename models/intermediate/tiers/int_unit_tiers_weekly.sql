-- The tier of every unit on every as-of date, by the tier rules, in order:
--   excluded     a competitor, a student, a free-mail address with no account, or a poor
--                fit: tier none, whatever the activity;
--   hand_raiser  an explicit request (demo, contact sales, pricing) within
--                hand_raise_window_days;
--   mqx          passes the fit gate, shows intent, and P(in-market) >= the segment's
--                expected-value threshold;
--   mex          passes the fit gate and engaged within engagement_window_days;
--   none         everything else.
-- The unit's attributes (account, person, owner, segment, fit grade, exclusion reason)
-- are its current ones: they are read from int_units_profiled, one row per unit, not
-- stored again on each of its weeks (at 50,000 accounts they were a third of writing the
-- ~16 M rows: 14-15 s against 22-25 s for the table alone).
with

scores as (
    select * from {{ ref('int_unit_scores_weekly') }}
),

units as (
    select * from {{ ref('int_units_profiled') }}
),

economics as (
    select
        segment,
        threshold,
        cost_false_negative_usd,
        cost_false_positive_usd
    from {{ ref('int_segment_economics') }}
),

joined as (
    select
        scores.unit_type,
        scores.unit_id,
        scores.as_of_date,
        scores.is_run_date,
        scores.p_in_market,
        economics.threshold,
        scores.p_in_market * economics.cost_false_negative_usd
        - (1 - scores.p_in_market) * economics.cost_false_positive_usd
            as expected_value_usd,
        scores.intent_score,
        scores.engagement_score,
        scores.total_score,
        scores.hand_raises_30d,
        scores.signals_in_window,
        units.passes_fit_gate,
        units.is_excluded,
        scores.is_hot_mql,
        scores.label,
        scores.label_known
    from scores
    inner join units
        on scores.unit_type = units.unit_type
            and scores.unit_id = units.unit_id
    left join economics on units.segment = economics.segment
),

final as (
    select
        *,
        case
            when is_excluded then 'none'
            when hand_raises_30d > 0 then 'hand_raiser'
            when passes_fit_gate and intent_score > 0 and p_in_market >= threshold then 'mqx'
            when passes_fit_gate and signals_in_window > 0 then 'mex'
            else 'none'
        end as tier
    from joined
)

select * from final
