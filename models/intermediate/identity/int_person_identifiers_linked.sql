-- Identity resolution, before erasure requests: every id a person is known by, mapped to
-- one person_id. A person is their Salesforce contact when there is one, else their
-- (first) Salesforce lead, else their Marketo lead. Links, strongest first: Marketo's
-- sfdc_contact_id / sfdc_lead_id, a converted lead's converted_contact_id, then the same
-- email address. Read only by the identity models: everything else reads
-- int_person_identifiers, which leaves out the people named by seed erasure_requests.
with

contacts as (
    select
        contact_id,
        email
    from {{ ref('stg_salesforce__contacts') }}
),

leads as (
    select
        lead_id,
        email,
        converted_contact_id
    from {{ ref('stg_salesforce__leads') }}
),

marketo_leads as (
    select
        marketo_lead_id,
        email,
        sfdc_lead_id,
        sfdc_contact_id
    from {{ ref('stg_marketo__leads') }}
),

contact_people as (
    select
        contact_id,
        email,
        'contact:' || contact_id as person_id
    from contacts
),

contact_people_by_email as (
    select
        email,
        min(person_id) as person_id
    from contact_people
    where email is not null
    group by email
),

lead_people as (
    select
        leads.lead_id,
        leads.email,
        coalesce(
            converted_contact.person_id,
            contact_people_by_email.person_id,
            'lead:' || leads.lead_id
        ) as person_id
    from leads
    left join contact_people as converted_contact
        on leads.converted_contact_id = converted_contact.contact_id
    left join contact_people_by_email
        on leads.email = contact_people_by_email.email
),

lead_people_by_email as (
    select
        email,
        min(person_id) as person_id
    from lead_people
    where email is not null
    group by email
),

marketo_people as (
    select
        marketo_leads.marketo_lead_id,
        coalesce(
            by_contact_id.person_id,
            by_lead_id.person_id,
            contact_people_by_email.person_id,
            lead_people_by_email.person_id,
            'marketo:' || marketo_leads.marketo_lead_id
        ) as person_id
    from marketo_leads
    left join contact_people as by_contact_id
        on marketo_leads.sfdc_contact_id = by_contact_id.contact_id
    left join lead_people as by_lead_id
        on marketo_leads.sfdc_lead_id = by_lead_id.lead_id
    left join contact_people_by_email
        on marketo_leads.email = contact_people_by_email.email
    left join lead_people_by_email
        on marketo_leads.email = lead_people_by_email.email
),

unioned as (
    select
        'sfdc_contact' as identifier_type,
        contact_id as identifier,
        person_id
    from contact_people

    union all

    select
        'sfdc_lead' as identifier_type,
        lead_id as identifier,
        person_id
    from lead_people

    union all

    select
        'marketo_lead' as identifier_type,
        marketo_lead_id as identifier,
        person_id
    from marketo_people
),

final as (
    select
        identifier_type || ':' || identifier as person_identifier_id,
        identifier_type,
        identifier,
        person_id
    from unioned
)

select * from final
