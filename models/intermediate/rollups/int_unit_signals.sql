-- Every counted signal, once for each unit it belongs to: the person (unit 'lead'),
-- their account (unit 'account') and the account's buying group for the signal's
-- solution area (unit 'buying_group' = account x solution area). Account-level signals
-- (G2, Bombora, anonymous visits matched by reverse IP) belong to the account and its
-- buying group only.
-- A view, not a table: the fan-out is a join to one small table and to the three unit
-- types, cheap to compute on each read, while storing its 13M rows (at 50,000 accounts) cost
-- ~50 s of compression and writing; its readers filter or read it once each.
{{ config(materialized='view') }}

with

signals as (
    select
        signal_id,
        person_id,
        account_id,
        signal_source,
        signal_type,
        signal_class,
        solution_area,
        reason_phrase,
        detail,
        score,
        weight,
        half_life_days,
        signal_date,
        occurred_at
    from {{ ref('int_signals_unified') }}
),

people as (
    select
        person_id,
        persona
    from {{ ref('int_people_profiled') }}
),

with_persona as (
    select
        signals.*,
        people.persona
    from signals
    left join people on signals.person_id = people.person_id
),

unit_types as (
    select 'lead' as unit_type
    union all
    select 'account' as unit_type
    union all
    select 'buying_group' as unit_type
),

units as (
    -- each signal once per unit type it has a unit of (a join, not a union of three
    -- selects: readers' filters and column choices reach the signals' scan, ~25% less
    -- time per full read at 50,000 accounts)
    select
        unit_types.unit_type,
        case unit_types.unit_type
            when 'lead' then with_persona.person_id
            when 'account' then with_persona.account_id
            else with_persona.account_id || ':' || with_persona.solution_area
        end as unit_id,
        with_persona.*
    from with_persona
    cross join unit_types
    where case
        when unit_types.unit_type = 'lead' then with_persona.person_id
        else with_persona.account_id
    end is not null
),

final as (
    select
        unit_type || ':' || unit_id || ':' || signal_id as unit_signal_id,
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
        reason_phrase,
        detail,
        score,
        weight,
        half_life_days,
        signal_date,
        occurred_at
    from units
)

select * from final
