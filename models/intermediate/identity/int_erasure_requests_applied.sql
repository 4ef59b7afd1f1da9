-- What each erasure request (seed erasure_requests) removed, without the email or ids it
-- named: one row per request, by request_number (int_erasure_requests). People and ids
-- are those of int_person_erasures; activity rows are the staged rows of those ids that
-- no longer reach any model (page views, Marketo form fills, email opens and clicks
-- including the ones set aside as bots, Salesforce campaign memberships, tasks and
-- events). Anything named by several requests counts on the earliest, so the columns
-- add up across requests: the people before erasure (int_person_identifiers_linked) =
-- the people in int_people_resolved + the sum of people_erased.
with

requests as (
    select
        request_number,
        reason,
        named_by,
        requested_at
    from {{ ref('int_erasure_requests') }}
),

erasures as (
    select
        identifier_type,
        identifier,
        person_id,
        request_number
    from {{ ref('int_person_erasures') }}
),

marketo_activities as (
    select marketo_lead_id from {{ ref('stg_marketo__form_fills') }}
    union all
    select marketo_lead_id from {{ ref('stg_marketo__email_opens') }}
    union all
    select marketo_lead_id from {{ ref('stg_marketo__email_clicks') }}
    union all
    select marketo_lead_id from {{ ref('stg_marketo__email_bot_activities') }}
),

salesforce_activities as (
    select coalesce(contact_id, lead_id) as who_id
    from {{ ref('stg_salesforce__campaign_members') }}
    union all
    select who_id from {{ ref('stg_salesforce__tasks') }}
    union all
    select who_id from {{ ref('stg_salesforce__events') }}
),

page_views as (
    select
        user_id,
        anonymous_id
    from {{ ref('stg_segment__pages') }}
),

erased_activities as (
    -- the same rule as int_web_page_views_resolved: their user_id, or their browser on a
    -- view without a user_id
    select
        erasures.request_number,
        'web_page_view' as activity_source
    from page_views
    inner join erasures
        on (
            erasures.identifier_type = 'marketo_lead'
            and page_views.user_id = erasures.identifier
        )
        or (
            erasures.identifier_type = 'segment_anonymous'
            and page_views.user_id is null
            and page_views.anonymous_id = erasures.identifier
        )

    union all

    select
        erasures.request_number,
        'marketo' as activity_source
    from marketo_activities
    inner join erasures
        on erasures.identifier_type = 'marketo_lead'
            and marketo_activities.marketo_lead_id = erasures.identifier

    union all

    select
        erasures.request_number,
        'salesforce' as activity_source
    from salesforce_activities
    inner join erasures
        on erasures.identifier_type in ('sfdc_contact', 'sfdc_lead')
            and salesforce_activities.who_id = erasures.identifier
),

erased_ids as (
    select
        request_number,
        count(distinct person_id) as people_erased,
        {{ mqx_count_if("identifier_type != 'segment_anonymous'") }} as identifiers_erased,
        {{ mqx_count_if("identifier_type = 'segment_anonymous'") }} as browsers_erased
    from erasures
    group by request_number
),

erased_activity_counts as (
    select
        request_number,
        {{ mqx_count_if("activity_source = 'web_page_view'") }} as web_page_views_erased,
        {{ mqx_count_if("activity_source = 'marketo'") }} as marketo_activities_erased,
        {{ mqx_count_if("activity_source = 'salesforce'") }} as salesforce_activities_erased
    from erased_activities
    group by request_number
),

final as (
    select
        requests.request_number,
        requests.reason,
        requests.named_by,
        coalesce(erased_ids.people_erased, 0) as people_erased,
        coalesce(erased_ids.identifiers_erased, 0) as identifiers_erased,
        coalesce(erased_ids.browsers_erased, 0) as browsers_erased,
        coalesce(erased_activity_counts.web_page_views_erased, 0) as web_page_views_erased,
        coalesce(erased_activity_counts.marketo_activities_erased, 0)
            as marketo_activities_erased,
        coalesce(erased_activity_counts.salesforce_activities_erased, 0)
            as salesforce_activities_erased,
        coalesce(erased_ids.people_erased, 0) > 0 as is_matched,
        requests.requested_at
    from requests
    left join erased_ids on requests.request_number = erased_ids.request_number
    left join erased_activity_counts
        on requests.request_number = erased_activity_counts.request_number
)

select * from final
