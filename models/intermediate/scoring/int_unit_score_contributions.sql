-- A view: it is only read to explain particular scores, so it is not stored.
{{ config(materialized='view') }}
-- Each feature's contribution to a unit's P(in-market) logit on each as-of date:
-- coefficient x (value - training mean) / training scale. The features are unpivoted
-- to one row each so the explanation of a score is a plain sum over rows.
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
    where feature_name != '__intercept__'
),

unpivoted as (
    {% for feature in features %}
        select
            unit_week_id,
            unit_type,
            is_run_date,
            '{{ feature }}' as feature_name,
            cast(coalesce({{ feature }}, 0) as double) as feature_value
        from features
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        unpivoted.unit_week_id || ':' || unpivoted.feature_name as contribution_id,
        unpivoted.unit_week_id,
        unpivoted.unit_type,
        unpivoted.is_run_date,
        unpivoted.feature_name,
        unpivoted.feature_value,
        coefficients.coefficient,
        coefficients.coefficient * (unpivoted.feature_value - coefficients.feature_mean)
        / nullif(coefficients.feature_scale, 0) as contribution
    from unpivoted
    inner join coefficients
        on unpivoted.unit_type = coefficients.unit_type
            and unpivoted.feature_name = coefficients.feature_name
)

select * from final
