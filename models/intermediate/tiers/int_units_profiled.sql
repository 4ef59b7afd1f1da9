-- Who each unit is, apart from what it does: one row per lead (person), account and
-- buying group (account x solution area) that has ever shown a counted signal, with
-- its segment, fit, owner and disqualification.
with

people as (
    select
        person_id,
        account_id,
        email_domain,
        segment,
        fit_grade,
        exclusion_reason,
        fit_score,
        passes_fit_gate
    from {{ ref('int_people_profiled') }}
),

accounts as (
    select
        account_id,
        account_domain,
        owner_id,
        segment,
        fit_grade,
        exclusion_reason,
        fit_score,
        passes_fit_gate
    from {{ ref('int_accounts_profiled') }}
),

buying_groups as (
    select distinct
        account_id,
        solution_area
    from {{ ref('int_unit_signals') }}
    where unit_type = 'buying_group'
),

units as (
    select
        'lead' as unit_type,
        people.person_id as unit_id,
        people.account_id,
        people.person_id,
        cast(null as {{ dbt.type_string() }}) as solution_area,
        coalesce(accounts.account_domain, people.email_domain) as company_domain,
        accounts.owner_id,
        people.segment,
        people.fit_grade,
        people.exclusion_reason,
        people.fit_score,
        people.passes_fit_gate
    from people
    left join accounts on people.account_id = accounts.account_id

    union all

    select
        'account' as unit_type,
        account_id as unit_id,
        account_id,
        cast(null as {{ dbt.type_string() }}) as person_id,
        cast(null as {{ dbt.type_string() }}) as solution_area,
        account_domain as company_domain,
        owner_id,
        segment,
        fit_grade,
        exclusion_reason,
        fit_score,
        passes_fit_gate
    from accounts

    union all

    select
        'buying_group' as unit_type,
        accounts.account_id || ':' || buying_groups.solution_area as unit_id,
        accounts.account_id,
        cast(null as {{ dbt.type_string() }}) as person_id,
        buying_groups.solution_area,
        accounts.account_domain as company_domain,
        accounts.owner_id,
        accounts.segment,
        accounts.fit_grade,
        accounts.exclusion_reason,
        accounts.fit_score,
        accounts.passes_fit_gate
    from buying_groups
    inner join accounts on buying_groups.account_id = accounts.account_id
),

final as (
    select
        unit_type || ':' || unit_id as unit_key,
        *,
        exclusion_reason is not null as is_excluded
    from units
)

select * from final
