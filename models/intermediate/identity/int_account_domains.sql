-- One live account per web domain, for everything that reaches an account only through
-- a domain (email domains, lead websites, reverse-IP, G2, Bombora). When several
-- accounts share a domain, the first created wins (then the lowest id), so a domain
-- never doubles a signal.
with

accounts as (
    select account_id, account_domain, created_at
    from {{ ref('stg_salesforce__accounts') }}
    where account_domain is not null
),

final as (
    select
        account_domain,
        account_id
    from accounts
    qualify row_number() over (
        partition by account_domain
        order by created_at asc nulls last, account_id asc nulls last
    ) = 1
)

select * from final
