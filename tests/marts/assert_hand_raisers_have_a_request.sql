-- No hand-raiser without a request: every unit in the hand_raiser tier has a counted
-- hand-raise signal within the hand-raise window before the run date.
with

hand_raisers as (
    select unit_type, unit_id
    from {{ ref('tier_assignments') }}
    where tier = 'hand_raiser'
),

requests as (
    select distinct unit_type, unit_id
    from {{ ref('signals') }}
    where signal_class = 'hand_raise' and age_days <= {{ var('hand_raise_window_days') }}
)

select hand_raisers.*
from hand_raisers
left join requests
    on hand_raisers.unit_type = requests.unit_type
        and hand_raisers.unit_id = requests.unit_id
where requests.unit_id is null
