-- P(in-market) for every unit on every as-of date, scored in SQL from the trained
-- coefficients: logit = intercept + sum of coefficient x standardised feature, so each
-- feature's contribution is one coefficient times one value (see int_unit_score_contributions).
{% set features = var('propensity_features') %}

with

features as (
    select * from {{ ref('int_unit_features_weekly') }}
),

coefficients as (
    select unit_type, feature_name, coefficient, feature_mean, feature_scale
    from {{ ref('int_propensity_coefficients') }}
),

contributions as (
    select * from {{ ref('int_unit_score_contributions') }}
),

logits as (
    select
        unit_week_id,
        sum(contribution) as feature_logit
    from contributions
    group by unit_week_id
),

intercepts as (
    select unit_type, coefficient as intercept
    from coefficients
    where feature_name = '__intercept__'
),

final as (
    select
        features.*,
        coalesce(intercepts.intercept, 0) + coalesce(logits.feature_logit, 0) as logit,
        1.0 / (1.0 + exp(-1.0 * (
            coalesce(intercepts.intercept, 0) + coalesce(logits.feature_logit, 0)
        ))) as p_in_market
    from features
    left join logits on features.unit_week_id = logits.unit_week_id
    left join intercepts on features.unit_type = intercepts.unit_type
)

select * from final
