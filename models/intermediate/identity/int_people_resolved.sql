-- One row per person, with the best-known attributes and the account they belong to.
-- Attributes prefer the Salesforce contact, then the lead, then the Marketo lead. The
-- account is, in order: the contact's account, the converted lead's account, Marketo's
-- sfdc_account_id, the account whose domain is the email's domain, the account whose
-- domain is the lead's company website. Only live (not soft-deleted) accounts count.
-- People named by an erasure request are not here (int_person_identifiers leaves them
-- out). person_key is the salted hash of the email (macro mqx_person_key), the key to
-- join people to other systems without their email.
with

identifiers as (
    select
        identifier_type,
        identifier,
        person_id
    from {{ ref('int_person_identifiers') }}
),

contacts as (
    select
        contact_id,
        account_id,
        email,
        email_domain,
        first_name,
        last_name,
        title,
        lead_source,
        created_at
    from {{ ref('stg_salesforce__contacts') }}
),

leads as (
    select
        lead_id,
        email,
        email_domain,
        first_name,
        last_name,
        title,
        company_name,
        company_domain,
        industry,
        country,
        number_of_employees,
        lead_source,
        lead_status,
        rejection_reason,
        converted_account_id,
        created_at
    from {{ ref('stg_salesforce__leads') }}
),

marketo_leads as (
    select
        marketo_lead_id,
        email,
        email_domain,
        first_name,
        last_name,
        title,
        company_name,
        sfdc_account_id,
        created_at
    from {{ ref('stg_marketo__leads') }}
),

accounts as (
    select
        account_id,
        account_domain
    from {{ ref('stg_salesforce__accounts') }}
),

accounts_by_domain as (
    select account_domain, account_id from {{ ref('int_account_domains') }}
),

people as (
    select
        person_id,
        min(case when identifier_type = 'sfdc_contact' then identifier end) as contact_id,
        min(case when identifier_type = 'sfdc_lead' then identifier end) as lead_id,
        min(case when identifier_type = 'marketo_lead' then identifier end) as marketo_lead_id,
        {{ mqx_count_if("identifier_type = 'sfdc_lead'") }} as sfdc_lead_count,
        {{ mqx_count_if("identifier_type = 'marketo_lead'") }} as marketo_lead_count
    from identifiers
    group by person_id
),

joined as (
    select
        people.person_id,
        people.contact_id,
        people.lead_id,
        people.marketo_lead_id,
        people.sfdc_lead_count,
        people.marketo_lead_count,
        coalesce(contacts.email, leads.email, marketo_leads.email) as email,
        coalesce(contacts.email_domain, leads.email_domain, marketo_leads.email_domain)
            as email_domain,
        coalesce(contacts.first_name, leads.first_name, marketo_leads.first_name) as first_name,
        coalesce(contacts.last_name, leads.last_name, marketo_leads.last_name) as last_name,
        coalesce(contacts.title, leads.title, marketo_leads.title) as title,
        coalesce(leads.company_name, marketo_leads.company_name) as company_name,
        coalesce(contacts.lead_source, leads.lead_source) as lead_source,
        leads.industry as lead_industry,
        leads.country as lead_country,
        leads.number_of_employees as lead_number_of_employees,
        leads.lead_status,
        leads.rejection_reason,
        live_contact_account.account_id as contact_account_id,
        live_converted_account.account_id as converted_account_id,
        live_marketo_account.account_id as marketo_account_id,
        email_domain_account.account_id as email_domain_account_id,
        website_account.account_id as website_account_id,
        coalesce(contacts.created_at, leads.created_at, marketo_leads.created_at) as created_at
    from people
    left join contacts on people.contact_id = contacts.contact_id
    left join leads on people.lead_id = leads.lead_id
    left join marketo_leads on people.marketo_lead_id = marketo_leads.marketo_lead_id
    left join accounts as live_contact_account
        on contacts.account_id = live_contact_account.account_id
    left join accounts as live_converted_account
        on leads.converted_account_id = live_converted_account.account_id
    left join accounts as live_marketo_account
        on marketo_leads.sfdc_account_id = live_marketo_account.account_id
    left join accounts_by_domain as email_domain_account
        on coalesce(contacts.email_domain, leads.email_domain, marketo_leads.email_domain)
            = email_domain_account.account_domain
    left join accounts_by_domain as website_account
        on leads.company_domain = website_account.account_domain
),

final as (
    select
        person_id,
        {{ mqx_person_key('email') }} as person_key,
        contact_id,
        lead_id,
        marketo_lead_id,
        coalesce(
            contact_account_id,
            converted_account_id,
            marketo_account_id,
            email_domain_account_id,
            website_account_id
        ) as account_id,
        case
            when contact_account_id is not null then 'contact_account'
            when converted_account_id is not null then 'converted_lead'
            when marketo_account_id is not null then 'marketo_sfdc_account'
            when email_domain_account_id is not null then 'email_domain'
            when website_account_id is not null then 'lead_website'
        end as account_match_method,
        email,
        email_domain,
        first_name,
        last_name,
        title,
        company_name,
        lead_industry,
        lead_country,
        lead_source,
        lead_status,
        rejection_reason,
        lead_number_of_employees,
        sfdc_lead_count,
        marketo_lead_count,
        created_at
    from joined
)

select * from final
