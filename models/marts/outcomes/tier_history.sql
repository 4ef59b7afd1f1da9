-- The tier of every unit on every weekly as-of date, as the tier rules gave it on that
-- date (int_unit_tiers_weekly is rebuilt from the event history, so the history is
-- complete from the first run). A unit without a row on a date was in tier none.
-- A view: the weekly rows of int_unit_tiers_weekly, which is stored, with who the unit
-- is (int_units_profiled: its current account, owner, segment, fit). A second stored
-- copy cost a write of every unit-week (~16 M rows, ~20 s at 50,000 accounts) per build.
-- BI tools read the published copy (mqx.publish stores views as tables). The view names
-- its tables without the database, so it still reads them when the warehouse file is
-- attached under another name (mqx.publish, a copy of the file).
{{ config(materialized='view') }}
with

weekly as (
    select * from {{ ref('int_unit_tiers_weekly').include(database=false) }}
),

units as (
    select * from {{ ref('int_units_profiled').include(database=false) }}
),

final as (
    select
        weekly.unit_week_id as tier_history_id,
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
