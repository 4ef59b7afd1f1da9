-- int_unit_score_contributions explains the scores the tiers use: on the run date, every
-- scored unit has exactly one row per feature of its model, and the intercept plus its
-- contributions give the logit of int_unit_scores_weekly. (Checked on the run date only:
-- the view unpivots the whole weekly history, which per-row tests would do on every
-- build.)
with

run_date_scores as (
    select
        unit_week_id,
        unit_type,
        logit
    from {{ ref('int_unit_scores_weekly') }}
    where is_run_date and has_propensity_model
),

models as (
    select
        unit_type,
        max(case when feature_name = '__intercept__' then coefficient end) as intercept,
        count(distinct case when feature_name != '__intercept__' then feature_name end)
            as model_features
    from {{ ref('int_propensity_coefficients') }}
    group by unit_type
),

contributions as (
    select
        contributions.unit_week_id,
        count(*) as feature_rows,
        count(distinct contributions.feature_name) as features,
        sum(contributions.contribution) as contribution_sum
    from {{ ref('int_unit_score_contributions') }} as contributions
    inner join run_date_scores
        on contributions.unit_week_id = run_date_scores.unit_week_id
    -- a constant filter reaches the table under the view; the join alone does not
    where contributions.is_run_date
    group by contributions.unit_week_id
),

compared as (
    select
        run_date_scores.unit_week_id,
        run_date_scores.logit,
        models.intercept + contributions.contribution_sum as explained_logit,
        models.model_features,
        contributions.feature_rows,
        contributions.features
    from run_date_scores
    inner join models on run_date_scores.unit_type = models.unit_type
    left join contributions on run_date_scores.unit_week_id = contributions.unit_week_id
)

select *
from compared
where
    coalesce(feature_rows, 0) != model_features
    or coalesce(features, 0) != model_features
    or coalesce(abs(logit - explained_logit) > 1e-6, true)
