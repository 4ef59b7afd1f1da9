-- Identity resolution: every id a person is known by, mapped to one person_id
-- (int_person_identifiers_linked), leaving out everyone an erasure request names
-- (int_person_erasures). Every model that ties activity to a person joins through this
-- table, so an erased person's activity finds no person and is not counted anywhere.
with

linked as (
    select
        person_identifier_id,
        identifier_type,
        identifier,
        person_id
    from {{ ref('int_person_identifiers_linked') }}
),

erased_people as (
    select distinct person_id
    from {{ ref('int_person_erasures') }}
    where person_id is not null
),

final as (
    select
        linked.person_identifier_id,
        linked.identifier_type,
        linked.identifier,
        linked.person_id
    from linked
    left join erased_people on linked.person_id = erased_people.person_id
    where erased_people.person_id is null
)

select * from final
