-- The tier of every unit on every weekly as-of date, as the tier rules gave it on that
-- date (int_unit_tiers_weekly is rebuilt from the event history, so the history is
-- complete from the first run). A unit without a row on a date was in tier none.
with

weekly as (
    select * from {{ ref('int_unit_tiers_weekly') }}
),

final as (
    select
        unit_week_id as tier_history_id,
        unit_type,
        unit_id,
        account_id,
        person_id,
        owner_id,
        segment,
        fit_grade,
        tier,
        exclusion_reason,
        p_in_market,
        threshold,
        intent_score,
        engagement_score,
        is_excluded,
        is_hot_mql,
        is_run_date,
        as_of_date
    from weekly
)

select * from final
