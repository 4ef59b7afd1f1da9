-- Page views by people: the staged page views minus crawlers, headless browsers, scripts
-- and views without a user agent (listed, with the rule, in stg_segment__bot_page_views).
with

pages as (
    select * from {{ ref('base_segment__pages') }}
    where row_outcome = 'staged'
),

bot_page_views as (
    select page_view_id
    from {{ ref('stg_segment__bot_page_views') }}
),

human_pages as (
    select pages.*
    from pages
    left join bot_page_views
        on pages.page_view_id = bot_page_views.page_view_id
    where bot_page_views.page_view_id is null
),

final as (
    select
        page_view_id,
        anonymous_id,
        user_id,
        context_ip,
        url,
        page_path,
        page_title,
        referrer,
        user_agent,
        viewed_at,
        received_at
    from human_pages
)

select * from final
