-- One row per person: persona from the job title (seed personas, the first pattern by
-- priority that matches whole words of the title), fit (the account's firmographics,
-- else the lead's own, blended with the persona's weight), and whether the person is
-- disqualified: a competitor, a student, a free-mail address with no account, or a poor
-- fit.
with

people as (
    select
        person_id,
        lead_id,
        account_id,
        email,
        email_domain,
        title,
        -- the title's words between spaces, once per person: in the join condition below
        -- they were computed again for every persona pattern (at 50,000 accounts the
        -- statement took 3.2 s that way, 0.9 s this way)
        ' ' || {{ mqx_title_words('title') }} || ' ' as title_words
    from {{ ref('int_people_resolved') }}
),

accounts as (
    select
        account_id,
        account_domain,
        segment,
        fit_score,
        is_competitor
    from {{ ref('int_accounts_profiled') }}
),

lead_fit as (
    select
        entity_id as lead_id,
        segment,
        fit_score
    from {{ ref('int_firmographics_fit_scored') }}
    where entity_type = 'lead'
),

personas as (
    select
        priority,
        '% ' || lower(title_pattern) || ' %' as title_words_pattern,
        persona,
        persona_weight
    from {{ ref('personas') }}
),

fit_grades as (
    select
        fit_grade,
        min_fit_score,
        passes_fit_gate
    from {{ ref('fit_grades') }}
),

excluded_domains as (
    select
        domain,
        match_type,
        reason
    from {{ ref('excluded_domains') }}
),

person_personas as (
    select
        people.person_id,
        personas.persona,
        personas.persona_weight
    from people
    inner join personas
        -- whole words: 'vp' matches "VP, Sales" but 'intern' not "International"
        on people.title_words like personas.title_words_pattern
    qualify row_number() over (
            partition by people.person_id order by personas.priority asc nulls last
        ) = 1
),

domain_flags as (
    select
        people.person_id,
        {{ dbt.bool_or("excluded_domains.reason = 'competitor'") }} as is_competitor_domain,
        {{ dbt.bool_or("excluded_domains.reason = 'student'") }} as is_student_domain,
        {{ dbt.bool_or("excluded_domains.reason = 'free_mail'") }} as is_free_mail_domain
    from people
    inner join excluded_domains
        on (excluded_domains.match_type = 'exact' and people.email_domain = excluded_domains.domain)
            or (
                excluded_domains.match_type = 'suffix'
                and people.email_domain like '%' || excluded_domains.domain
            )
    group by people.person_id
),

scored as (
    select
        people.person_id,
        people.account_id,
        people.email_domain,
        coalesce(person_personas.persona, 'unknown') as persona,
        coalesce(accounts.segment, lead_fit.segment, 'SMB') as segment,
        coalesce(person_personas.persona_weight, 0.3) as persona_weight,
        coalesce(accounts.fit_score, lead_fit.fit_score, 0) as company_fit_score,
        cast(round(
            0.75 * coalesce(accounts.fit_score, lead_fit.fit_score, 0)
            + 25 * coalesce(person_personas.persona_weight, 0.3)
        ) as integer) as fit_score,
        coalesce(accounts.is_competitor, false)
        or coalesce(domain_flags.is_competitor_domain, false) as is_competitor,
        coalesce(domain_flags.is_student_domain, false)
        or lower(coalesce(people.title, '')) like '%student%' as is_student,
        coalesce(domain_flags.is_free_mail_domain, false) as is_free_mail
    from people
    left join accounts on people.account_id = accounts.account_id
    left join lead_fit on people.lead_id = lead_fit.lead_id
    left join person_personas on people.person_id = person_personas.person_id
    left join domain_flags on people.person_id = domain_flags.person_id
),

graded as (
    select
        scored.*,
        fit_grades.fit_grade,
        fit_grades.passes_fit_gate
    from scored
    inner join fit_grades on scored.fit_score >= fit_grades.min_fit_score
    qualify row_number() over (
            partition by scored.person_id order by fit_grades.min_fit_score desc nulls last
        ) = 1
),

final as (
    select
        person_id,
        account_id,
        email_domain,
        persona,
        segment,
        fit_grade,
        case
            when is_competitor then 'competitor'
            when is_student then 'student'
            when is_free_mail and account_id is null then 'free_mail_no_account'
            when fit_grade = 'D' then 'poor_fit'
        end as exclusion_reason,
        persona_weight,
        company_fit_score,
        fit_score,
        passes_fit_gate,
        is_competitor,
        is_student,
        is_free_mail
    from graded
)

select * from final
