-- A view: int_unit_tiers_weekly reads it once and stores the scores with the tiers.
{{ config(materialized='view') }}
-- P(in-market) for every unit on every as-of date, scored in SQL from the trained
-- coefficients (int_propensity_coefficients):
--   logit = intercept + sum over features of coefficient x (value - mean) / scale
--   p     = 1 / (1 + exp(-logit))
-- A unit type without a trained model (no week with a known outcome yet) scores
-- P(in-market) 0: it can still be a hand-raiser or MEX, never MQX.
-- int_unit_score_contributions lists the same terms one row per feature, to explain a score.
{% set features = var('propensity_features') %}

with

features as (
    select * from {{ ref('int_unit_features_weekly') }}
),

coefficients as (
    select
        unit_type,
        feature_name,
        coefficient,
        feature_mean,
        feature_scale
    from {{ ref('int_propensity_coefficients') }}
),

model_by_unit_type as (
    -- one row per unit type with its intercept and each feature's terms side by side
    select
        unit_type,
        max(case when feature_name = '__intercept__' then coefficient end) as intercept,
        {% for feature in features %}
            coalesce(max(case when feature_name = '{{ feature }}' then coefficient end), 0)
                as {{ feature }}__coefficient,
            coalesce(max(case when feature_name = '{{ feature }}' then feature_mean end), 0)
                as {{ feature }}__mean,
            coalesce(max(case when feature_name = '{{ feature }}' then feature_scale end), 1)
                as {{ feature }}__scale{% if not loop.last %},{% endif %}
        {% endfor %}
    from coefficients
    group by unit_type
),

scored as (
    select
        features.*,
        coalesce(model_by_unit_type.intercept, 0)
        {% for feature in features %}
            + coalesce(
                model_by_unit_type.{{ feature }}__coefficient
                * (
                    cast(coalesce(features.{{ feature }}, 0) as double)
                    - model_by_unit_type.{{ feature }}__mean
                )
                / nullif(model_by_unit_type.{{ feature }}__scale, 0),
                0
            )
        {% endfor %} as logit,
        model_by_unit_type.intercept is not null as has_propensity_model
    from features
    left join model_by_unit_type on features.unit_type = model_by_unit_type.unit_type
),

final as (
    select
        {{ mqx_unit_week_id() }} as unit_week_id,
        *,
        case
            when has_propensity_model then 1.0 / (1.0 + exp(-1.0 * logit)) else 0.0
        end as p_in_market
    from scored
)

select * from final
