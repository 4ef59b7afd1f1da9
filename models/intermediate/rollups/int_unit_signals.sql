-- Every counted signal, once for each unit it belongs to: the person (unit 'lead'),
-- their account (unit 'account') and the account's buying group for the signal's
-- solution area (unit 'buying_group' = account x solution area). Account-level signals
-- (G2, Bombora, anonymous visits matched by reverse IP) belong to the account and its
-- buying group only.
-- A view, not a table: the fan-out is a join to one small table and a three-way union,
-- cheap to compute on each read, while storing its 13M rows (at 50,000 accounts) cost
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

units as (
    select
        'lead' as unit_type,
        person_id as unit_id,
        *
    from with_persona
    where person_id is not null

    union all

    select
        'account' as unit_type,
        account_id as unit_id,
        *
    from with_persona
    where account_id is not null

    union all

    select
        'buying_group' as unit_type,
        account_id || ':' || solution_area as unit_id,
        *
    from with_persona
    where account_id is not null
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
