-- One stream of every counted signal, whatever its source: web page views, form fills,
-- campaign responses, email clicks, G2 research, Bombora surges, sales meetings and
-- referrals, each matched to the signal catalog (seed signal_catalog) for its type,
-- class, weight, half-life and solution area. Bots are already gone (staging), and
-- catalog rows with weight 0 (email opens by default) are not counted.
with

identifiers as (
    select
        identifier_type,
        identifier,
        person_id
    from {{ ref('int_person_identifiers') }}
),

people as (
    select
        person_id,
        account_id,
        lead_source,
        created_at
    from {{ ref('int_people_resolved') }}
),

accounts as (
    -- live accounts by domain (G2 and Bombora reach an account only through it)
    select account_id, account_domain from {{ ref('int_account_domains') }}
),

catalog as (
    select
        signal_source,
        match_type,
        lower(coalesce(pattern, '')) as pattern,
        signal_type,
        signal_class,
        weight,
        half_life_days,
        solution_area,
        reason_phrase
    from {{ ref('signal_catalog') }}
),

competitor_domains as (
    select domain from {{ ref('excluded_domains') }}
    where reason = 'competitor'
),

page_views as (
    select
        'web_page' as signal_source,
        page_view_id as source_event_id,
        person_id,
        account_id,
        lower(page_path) as match_key,
        page_path as detail,
        cast(null as integer) as score,
        viewed_at as occurred_at
    from {{ ref('int_web_page_views_resolved') }}
    where person_id is not null or account_id is not null
),

form_fills as (
    select
        'form' as signal_source,
        form_fills.form_fill_id as source_event_id,
        identifiers.person_id,
        cast(null as {{ dbt.type_string() }}) as account_id,
        lower(trim(form_fills.form_name)) as match_key,
        form_fills.form_name as detail,
        cast(null as integer) as score,
        form_fills.filled_at as occurred_at
    from {{ ref('stg_marketo__form_fills') }} as form_fills
    inner join identifiers
        on identifiers.identifier_type = 'marketo_lead'
            and form_fills.marketo_lead_id = identifiers.identifier
),

campaign_responses as (
    select
        'campaign' as signal_source,
        members.campaign_member_id as source_event_id,
        identifiers.person_id,
        cast(null as {{ dbt.type_string() }}) as account_id,
        lower(coalesce(campaigns.campaign_type, '')) || ':'
        || lower(coalesce(members.member_status, '')) as match_key,
        campaigns.campaign_name as detail,
        cast(null as integer) as score,
        coalesce(
            cast(members.first_responded_date as {{ dbt.type_timestamp() }}), members.created_at
        )
            as occurred_at
    from {{ ref('stg_salesforce__campaign_members') }} as members
    inner join {{ ref('stg_salesforce__campaigns') }} as campaigns
        on members.campaign_id = campaigns.campaign_id
    -- the member's contact, else (no contact at all) its lead: one equality join
    inner join identifiers
        on identifiers.identifier_type
        = case when members.contact_id is not null then 'sfdc_contact' else 'sfdc_lead' end
        and identifiers.identifier = coalesce(members.contact_id, members.lead_id)
),

email_clicks as (
    select
        'email_click' as signal_source,
        clicks.email_click_id as source_event_id,
        identifiers.person_id,
        cast(null as {{ dbt.type_string() }}) as account_id,
        '' as match_key,
        -- without the query string, which can carry the recipient's email (?email=...)
        {{ dbt.split_part('clicks.link_url', "'?'", 1) }} as detail,
        cast(null as integer) as score,
        clicks.clicked_at as occurred_at
    from {{ ref('stg_marketo__email_clicks') }} as clicks
    inner join identifiers
        on identifiers.identifier_type = 'marketo_lead'
            and clicks.marketo_lead_id = identifiers.identifier
),

email_opens as (
    -- human opens only (bots left in staging); counted only if the catalog gives
    -- email_open a weight above 0, which it does not by default
    select
        'email_open' as signal_source,
        opens.email_open_id as source_event_id,
        identifiers.person_id,
        cast(null as {{ dbt.type_string() }}) as account_id,
        '' as match_key,
        cast(null as {{ dbt.type_string() }}) as detail,
        cast(null as integer) as score,
        opens.opened_at as occurred_at
    from {{ ref('stg_marketo__email_opens') }} as opens
    inner join identifiers
        on identifiers.identifier_type = 'marketo_lead'
            and opens.marketo_lead_id = identifiers.identifier
    where exists (
            select 1 from catalog
            where catalog.signal_source = 'email_open' and catalog.weight > 0
        )
),

g2_signals as (
    select
        'g2' as signal_source,
        g2.g2_signal_id as source_event_id,
        cast(null as {{ dbt.type_string() }}) as person_id,
        accounts.account_id,
        case
            when g2.signal_type = 'compare' and exists (
                    select 1
                    from competitor_domains
                    where lower(
                            coalesce(g2.left_product_name, '') || ' '
                            || coalesce(g2.right_product_name, '')
                        )
                        like '%'
                        || {{ dbt.split_part('competitor_domains.domain', "'.'", 1) }}
                        || '%'
                ) then 'compare_competitor'
            else g2.signal_type
        end as match_key,
        g2.signal_type || coalesce(
            ': ' || g2.left_product_name || ' vs '
            || g2.right_product_name, ''
        ) as detail,
        cast(null as integer) as score,
        cast(g2.signal_date as {{ dbt.type_timestamp() }}) as occurred_at
    from {{ ref('stg_g2__buyer_intent_signals') }} as g2
    inner join accounts on g2.company_domain = accounts.account_domain
),

bombora_surges as (
    -- a week's file is known once the week is over
    select
        'bombora' as signal_source,
        surges.surge_id as source_event_id,
        cast(null as {{ dbt.type_string() }}) as person_id,
        accounts.account_id,
        lower(surges.topic) as match_key,
        surges.topic as detail,
        surges.composite_score as score,
        cast({{ dbt.dateadd('day', 7, 'surges.week_start_date') }} as {{ dbt.type_timestamp() }})
            as occurred_at
    from {{ ref('stg_bombora__surges') }} as surges
    inner join accounts on surges.company_domain = accounts.account_domain
    where surges.composite_score >= {{ var('bombora_surge_threshold') }}
),

meetings as (
    select
        'meeting' as signal_source,
        events.event_id as source_event_id,
        identifiers.person_id,
        -- the person's (live) account; an event's own account may be soft-deleted
        cast(null as {{ dbt.type_string() }}) as account_id,
        'meeting' as match_key,
        -- a meeting's subject often names the person: NULL unless personal data is exposed
        {{ mqx_personal_data('events.subject') }} as detail,
        cast(null as integer) as score,
        coalesce(events.started_at, events.created_at) as occurred_at
    from {{ ref('stg_salesforce__events') }} as events
    inner join identifiers
        on identifiers.identifier_type in ('sfdc_contact', 'sfdc_lead')
            and events.who_id = identifiers.identifier
    where events.is_meeting
),

referrals as (
    select
        'referral' as signal_source,
        people.person_id as source_event_id,
        people.person_id,
        cast(null as {{ dbt.type_string() }}) as account_id,
        lower(people.lead_source) as match_key,
        people.lead_source as detail,
        cast(null as integer) as score,
        people.created_at as occurred_at
    from people
    where people.lead_source is not null
),

events as (
    select * from page_views
    union all
    select * from form_fills
    union all
    select * from campaign_responses
    union all
    select * from email_clicks
    union all
    select * from email_opens
    union all
    select * from g2_signals
    union all
    select * from bombora_surges
    union all
    select * from meetings
    union all
    select * from referrals
),

-- The catalog row of each distinct (source, match key): the heaviest match, then the
-- longest pattern. Matching the few distinct keys instead of every event keeps the
-- pattern comparisons off the event stream.
event_keys as (
    select distinct signal_source, match_key from events
),

key_matches as (
    select
        event_keys.signal_source,
        event_keys.match_key,
        catalog.signal_type,
        catalog.signal_class,
        catalog.solution_area,
        catalog.reason_phrase,
        catalog.weight,
        catalog.half_life_days
    from event_keys
    inner join catalog
        on event_keys.signal_source = catalog.signal_source
            and (
                catalog.match_type = 'any'
                or (catalog.match_type = 'exact' and event_keys.match_key = catalog.pattern)
                or (
                    catalog.match_type = 'prefix'
                    and event_keys.match_key like catalog.pattern || '%'
                )
                or (
                    catalog.match_type = 'contains'
                    and event_keys.match_key like '%' || catalog.pattern || '%'
                )
            )
    where catalog.weight > 0
    qualify row_number() over (
            partition by event_keys.signal_source, event_keys.match_key
            order by
                catalog.weight desc nulls last,
                length(catalog.pattern) desc,
                catalog.signal_type asc
        ) = 1
),

matched as (
    select
        events.*,
        key_matches.signal_type,
        key_matches.signal_class,
        key_matches.solution_area,
        key_matches.reason_phrase,
        key_matches.weight,
        key_matches.half_life_days
    from events
    inner join key_matches
        on events.signal_source = key_matches.signal_source
            and events.match_key is not distinct from key_matches.match_key
    where events.occurred_at is not null
),

final as (
    select
        matched.signal_source || ':' || matched.source_event_id as signal_id,
        matched.person_id,
        coalesce(matched.account_id, people.account_id) as account_id,
        matched.signal_source,
        matched.source_event_id,
        matched.signal_type,
        matched.signal_class,
        matched.solution_area,
        matched.reason_phrase,
        matched.detail,
        matched.score,
        matched.weight,
        matched.half_life_days,
        cast(matched.occurred_at as date) as signal_date,
        matched.occurred_at
    from matched
    left join people on matched.person_id = people.person_id
)

select * from final
