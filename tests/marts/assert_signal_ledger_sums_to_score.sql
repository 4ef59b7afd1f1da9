-- The reason ledger explains every score exactly: for each unit, the decayed weights of
-- its rows in marts.signals add up to the total score the tiers used on the run date.
with

ledger as (
    select unit_type, unit_id, sum(decayed_weight) as ledger_score
    from {{ ref('signals') }}
    group by unit_type, unit_id
),

scores as (
    select unit_type, unit_id, total_score
    from {{ ref('int_unit_features_weekly') }}
    where is_run_date
)

select
    coalesce(ledger.unit_type, scores.unit_type) as unit_type,
    coalesce(ledger.unit_id, scores.unit_id) as unit_id,
    ledger.ledger_score,
    scores.total_score
from ledger
full outer join scores
    on ledger.unit_type = scores.unit_type
        and ledger.unit_id = scores.unit_id
where ledger.unit_id is null
    or scores.unit_id is null
    or abs(ledger.ledger_score - scores.total_score) > 1e-6
