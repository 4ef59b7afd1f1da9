-- Everyone to forget (seed erasure_requests, cleaned in int_erasure_requests), as the
-- identifiers to leave out: one row per identifier. A request names a person by email
-- (any Salesforce contact or lead, Marketo lead or Segment identify call carrying it)
-- or by a system id; the whole person resolved from it goes (every id linked to them in
-- int_person_identifiers_linked), plus any named id that no live record carries any
-- more, plus every Segment anonymous_id an identify call tied to one of their Marketo
-- lead ids (their browser). An identifier named by several requests is credited to the
-- earliest (request_number), so counts per request add up.
with

requests as (
    select
        request_number,
        email,
        contact_id,
        lead_id,
        marketo_lead_id
    from {{ ref('int_erasure_requests') }}
),

linked as (
    select
        identifier_type,
        identifier,
        person_id
    from {{ ref('int_person_identifiers_linked') }}
),

identifies as (
    select
        anonymous_id,
        user_id,
        email
    from {{ ref('stg_segment__identifies') }}
),

known_emails as (
    -- every email address a record carries, by the identifier of the record
    select
        'sfdc_contact' as identifier_type,
        contact_id as identifier,
        email
    from {{ ref('stg_salesforce__contacts') }}
    where email is not null

    union all

    select
        'sfdc_lead' as identifier_type,
        lead_id as identifier,
        email
    from {{ ref('stg_salesforce__leads') }}
    where email is not null

    union all

    select
        'marketo_lead' as identifier_type,
        marketo_lead_id as identifier,
        email
    from {{ ref('stg_marketo__leads') }}
    where email is not null

    union all

    select
        'marketo_lead' as identifier_type,
        user_id as identifier,
        email
    from identifies
    where email is not null and user_id is not null
),

named as (
    -- the identifiers each request names, directly or through an email address
    select
        requests.request_number,
        known_emails.identifier_type,
        known_emails.identifier
    from requests
    inner join known_emails on requests.email = known_emails.email

    union all

    select
        request_number,
        'sfdc_contact' as identifier_type,
        contact_id as identifier
    from requests
    where contact_id is not null

    union all

    select
        request_number,
        'sfdc_lead' as identifier_type,
        lead_id as identifier
    from requests
    where lead_id is not null

    union all

    select
        request_number,
        'marketo_lead' as identifier_type,
        marketo_lead_id as identifier
    from requests
    where marketo_lead_id is not null
),

named_people as (
    select distinct
        named.request_number,
        linked.person_id
    from named
    inner join linked
        on named.identifier_type = linked.identifier_type
            and named.identifier = linked.identifier
),

system_identifiers as (
    -- every id of a named person
    select
        named_people.request_number,
        linked.identifier_type,
        linked.identifier,
        linked.person_id
    from named_people
    inner join linked on named_people.person_id = linked.person_id

    union all

    -- and every named id, whether or not a live record still carries it
    select
        named.request_number,
        named.identifier_type,
        named.identifier,
        linked.person_id
    from named
    left join linked
        on named.identifier_type = linked.identifier_type
            and named.identifier = linked.identifier
),

browsers as (
    -- the anonymous ids Segment tied to one of their Marketo lead ids
    select
        system_identifiers.request_number,
        'segment_anonymous' as identifier_type,
        identifies.anonymous_id as identifier,
        system_identifiers.person_id
    from system_identifiers
    inner join identifies
        on system_identifiers.identifier_type = 'marketo_lead'
            and system_identifiers.identifier = identifies.user_id
    where identifies.anonymous_id is not null
),

unioned as (
    select * from system_identifiers
    union all
    select * from browsers
),

final as (
    select
        identifier_type || ':' || identifier as person_identifier_id,
        identifier_type,
        identifier,
        max(person_id) as person_id,
        min(request_number) as request_number
    from unioned
    group by identifier_type, identifier
)

select * from final
