-- The reason ledger: one row per signal counted for a unit as of the run date, with its
-- recency-decayed weight. A unit's rows sum exactly to its total score.
-- A view of the stored int_unit_signals_current: publishing copies it into the BI file.
{{ config(materialized='view') }}

with

signals as (
    select * from {{ ref('int_unit_signals_current') }}
),

final as (
    select
        unit_signal_id,
        unit_type,
        unit_id,
        signal_id,
        person_id,
        account_id,
        signal_source,
        signal_type,
        signal_class,
        solution_area,
        persona,
        detail,
        score,
        weight,
        half_life_days,
        age_days,
        decayed_weight,
        signal_date,
        as_of_date,
        occurred_at
    from signals
)

select * from final
