-- Page views (crawlers already removed in staging) tied to a person and an account.
-- A visitor is known through Segment's user_id (the Marketo lead id) or through an
-- identify call that linked their anonymous_id to one. Anonymous visitors reach an
-- account only through reverse-IP enrichment (ip_companies), whose domain must match a
-- live account's domain. The page views of people named by an erasure request
-- (int_person_erasures: their Marketo lead id as user_id, or, on a view without a
-- user_id, a browser an identify call tied to them) are dropped here, so they do not
-- count for the account through reverse-IP either.
with

pages as (
    select
        page_view_id,
        anonymous_id,
        user_id,
        context_ip,
        page_path,
        viewed_at
    from {{ ref('stg_segment__pages') }}
),

identifies as (
    select
        anonymous_id,
        user_id,
        identified_at
    from {{ ref('stg_segment__identifies') }}
),

ip_companies as (
    select
        ip,
        company_domain
    from {{ ref('stg_segment__ip_companies') }}
),

identifiers as (
    select
        identifier,
        person_id
    from {{ ref('int_person_identifiers') }}
    where identifier_type = 'marketo_lead'
),

erasures as (
    select
        identifier_type,
        identifier
    from {{ ref('int_person_erasures') }}
    where identifier_type in ('marketo_lead', 'segment_anonymous')
),

people as (
    select
        person_id,
        account_id
    from {{ ref('int_people_resolved') }}
),

accounts_by_domain as (
    select account_domain, account_id from {{ ref('int_account_domains') }}
),

anonymous_users as (
    -- the latest identify wins when one browser was used by several known visitors
    select
        anonymous_id,
        user_id
    from identifies
    where anonymous_id is not null and user_id is not null
    qualify row_number() over (
            partition by anonymous_id order by identified_at desc nulls last, user_id asc
        ) = 1
),

joined as (
    select
        pages.page_view_id,
        pages.page_path,
        pages.viewed_at,
        coalesce(pages.user_id, anonymous_users.user_id) as marketo_lead_id,
        identifiers.person_id,
        people.account_id as person_account_id,
        ip_account.account_id as ip_account_id
    from pages
    left join erasures as erased_user
        on erased_user.identifier_type = 'marketo_lead'
            and pages.user_id = erased_user.identifier
    left join erasures as erased_browser
        on erased_browser.identifier_type = 'segment_anonymous'
            and pages.user_id is null
            and pages.anonymous_id = erased_browser.identifier
    left join anonymous_users on pages.anonymous_id = anonymous_users.anonymous_id
    left join identifiers
        on coalesce(pages.user_id, anonymous_users.user_id) = identifiers.identifier
    left join people on identifiers.person_id = people.person_id
    left join ip_companies on pages.context_ip = ip_companies.ip
    left join accounts_by_domain as ip_account
        on ip_companies.company_domain = ip_account.account_domain
    where erased_user.identifier is null and erased_browser.identifier is null
),

final as (
    select
        page_view_id,
        person_id,
        coalesce(person_account_id, ip_account_id) as account_id,
        case
            when person_account_id is not null then 'known_visitor'
            when ip_account_id is not null then 'reverse_ip'
        end as account_match_method,
        page_path,
        viewed_at
    from joined
)

select * from final
