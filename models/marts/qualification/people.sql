-- One row per person (a Salesforce contact, else lead, else Marketo lead): identity,
-- persona, fit, account, and their tier as a lead unit. People are identified by
-- person_id, the ids of the systems they come from and person_key (a salted hash of the
-- email). email, first_name and last_name are NULL unless var mqx_expose_personal_data
-- is true (macro mqx_personal_data), so the columns and the contract never change.
-- People named by an erasure request are not here (int_person_identifiers).
with

people as (
    select * from {{ ref('int_people_resolved') }}
),

profiles as (
    select * from {{ ref('int_people_profiled') }}
),

assignments as (
    select * from {{ ref('tier_assignments') }}
    where unit_type = 'lead'
),

final as (
    select
        people.person_id,
        people.person_key,
        people.contact_id,
        people.lead_id,
        people.marketo_lead_id,
        people.account_id,
        people.account_match_method,
        people.email_domain,
        {{ mqx_personal_data('people.email') }} as email,
        {{ mqx_personal_data('people.first_name') }} as first_name,
        {{ mqx_personal_data('people.last_name') }} as last_name,
        profiles.persona,
        profiles.segment,
        profiles.fit_grade,
        assignments.tier,
        profiles.exclusion_reason,
        people.lead_status,
        people.rejection_reason,
        assignments.top_reasons,
        profiles.fit_score,
        assignments.intent_score,
        assignments.p_in_market,
        profiles.passes_fit_gate,
        assignments.is_excluded,
        assignments.is_hot_mql,
        assignments.as_of_date,
        assignments.tier_entered_at
    from people
    inner join profiles on people.person_id = profiles.person_id
    inner join assignments on people.person_id = assignments.unit_id
)

select * from final
