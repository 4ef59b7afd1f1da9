-- How well P(in-market) is calibrated on the held-out weeks (after calibration_until,
-- never used to fit or recalibrate the model): reliability bins of predicted vs observed
-- rate per unit type, with the Brier score, the expected calibration error (ECE) and
-- the base rate of the held-out weeks on every row. Averages are taken over exact decimals
-- so that two builds give the same figures.
with

scores as (
    select
        unit_type,
        as_of_date,
        p_in_market,
        label
    -- the stored scores (int_unit_scores_weekly, a view, would join the features again)
    from {{ ref('int_unit_tiers_weekly') }}
    where label_known
),

splits as (
    select distinct
        unit_type,
        calibration_until
    from {{ ref('int_propensity_coefficients') }}
),

held_out as (
    select
        scores.unit_type,
        scores.p_in_market,
        case when scores.label then 1.0 else 0.0 end as outcome,
        least(cast(floor(scores.p_in_market * 10) as integer), 9) as bin
    from scores
    inner join splits
        on scores.unit_type = splits.unit_type
            and scores.as_of_date > splits.calibration_until
),

bins as (
    select
        unit_type,
        bin,
        count(*) as units,
        cast(avg(cast(p_in_market as decimal(38, 18))) as double) as mean_predicted,
        avg(outcome) as observed_rate
    from held_out
    group by unit_type, bin
),

overall as (
    select
        unit_type,
        count(*) as held_out_units,
        avg(outcome) as base_rate,
        cast(avg(
            cast((p_in_market - outcome) * (p_in_market - outcome) as decimal(38, 18))
        ) as double) as brier_score
    from held_out
    group by unit_type
),

ece as (
    select
        bins.unit_type,
        cast(sum(cast(bins.units * abs(bins.observed_rate - bins.mean_predicted)
            as decimal(38, 18))) as double)
        / nullif(max(overall.held_out_units), 0) as expected_calibration_error
    from bins
    inner join overall on bins.unit_type = overall.unit_type
    group by bins.unit_type
),

final as (
    select
        bins.unit_type || ':' || cast(bins.bin as {{ dbt.type_string() }}) as calibration_bin_id,
        bins.unit_type,
        bins.bin,
        cast(bins.bin as double) / 10 as p_min,
        cast(bins.bin + 1 as double) / 10 as p_max,
        bins.units,
        bins.mean_predicted,
        bins.observed_rate,
        overall.held_out_units,
        overall.base_rate,
        overall.brier_score,
        ece.expected_calibration_error
    from bins
    inner join overall on bins.unit_type = overall.unit_type
    inner join ece on bins.unit_type = ece.unit_type
)

select * from final
