-- The tier of every unit on every weekly as-of date, as the tier rules gave it on that
-- date (int_unit_tiers_weekly is rebuilt from the event history, so the history is
-- complete from the first run). A unit without a row on a date was in tier none.
-- The weekly rows of int_unit_tiers_weekly with who the unit is (int_units_profiled:
-- its current account, owner, segment, fit).
-- A view, not a stored table: nothing in the project reads it, and publishing copies it
-- into the BI file anyway, so storing its ~16 M rows at 50,000 accounts in the work file
-- too cost ~14 s of every run (build, tests and publish of this mart: ~31 s as a table,
-- ~18 s as a view). Published as a table with its contract's NOT NULL columns
-- (python/mqx/publish.py).
{{ config(materialized='view') }}

with

weekly as (
    select * from {{ ref('int_unit_tiers_weekly') }}
),

units as (
    select * from {{ ref('int_units_profiled') }}
),

final as (
    select
        {{ mqx_unit_week_id('weekly.unit_type', 'weekly.unit_id', 'weekly.as_of_date') }}
            as tier_history_id,
        weekly.unit_type,
        weekly.unit_id,
        units.account_id,
        units.person_id,
        units.owner_id,
        units.segment,
        units.fit_grade,
        weekly.tier,
        units.exclusion_reason,
        weekly.p_in_market,
        weekly.threshold,
        weekly.intent_score,
        weekly.engagement_score,
        weekly.is_excluded,
        weekly.is_hot_mql,
        weekly.is_run_date,
        weekly.as_of_date
    from weekly
    -- every weekly row has its unit (int_unit_tiers_weekly joins the units inner)
    inner join units
        on weekly.unit_type = units.unit_type
            and weekly.unit_id = units.unit_id
)

select * from final
