-- One row per live account: firmographic fit, segment, and whether it is disqualified
-- (a competitor, or a poor fit however active it is).
with

accounts as (
    select
        account_id,
        account_name,
        account_domain,
        owner_id,
        created_at
    from {{ ref('stg_salesforce__accounts') }}
),

fit as (
    select
        entity_id as account_id,
        industry,
        country,
        segment,
        fit_grade,
        number_of_employees,
        fit_score,
        passes_fit_gate
    from {{ ref('int_firmographics_fit_scored') }}
    where entity_type = 'account'
),

excluded_domains as (
    select
        domain,
        match_type,
        reason
    from {{ ref('excluded_domains') }}
),

competitors as (
    select distinct accounts.account_id
    from accounts
    inner join excluded_domains
        on excluded_domains.reason = 'competitor'
            and (
                (
                    excluded_domains.match_type = 'exact'
                    and accounts.account_domain = excluded_domains.domain
                )
                or (
                    excluded_domains.match_type = 'suffix'
                    and accounts.account_domain like '%' || excluded_domains.domain
                )
            )
),

final as (
    select
        accounts.account_id,
        accounts.account_name,
        accounts.account_domain,
        accounts.owner_id,
        fit.industry,
        fit.country,
        fit.segment,
        fit.fit_grade,
        case
            when competitors.account_id is not null then 'competitor'
            when fit.fit_grade = 'D' then 'poor_fit'
        end as exclusion_reason,
        fit.number_of_employees,
        fit.fit_score,
        fit.passes_fit_gate,
        competitors.account_id is not null as is_competitor,
        accounts.created_at
    from accounts
    inner join fit on accounts.account_id = fit.account_id
    left join competitors on accounts.account_id = competitors.account_id
)

select * from final
