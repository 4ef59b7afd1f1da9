-- One verdict per staged email open and click: which bot rules fired, and the first of
-- them in the fixed priority order (vendor_flag, bot_user_agent, same_email_burst,
-- soon_after_delivery, all_links_at_once, click_without_open). The one place staging
-- joins: a rule about an open or click needs the lead's other opens, clicks and
-- deliveries of that email, and the bot user agent list. Kept cheap at scale: opens,
-- clicks and deliveries go on one time line per (lead, campaign, email) and window
-- functions read it in one sort; user agents are matched once per distinct user agent;
-- only all_links_at_once joins clicks to the same lead's clicks of the same email, on
-- narrow rows, and the few clicks it flags are marked on the time line.
-- The time line is sorted by time and event kind only, not by event id: every value read
-- from it depends only on the times (the nearest other activity, the last delivery or
-- open at or before), so ties among events of one kind need no order, and sorting on a
-- string id as well cost twice the time of the whole window.
--
-- Stored, not a view (three staging models and the audit read it): incremental on DuckDB,
-- a table elsewhere, like the event base models. A verdict depends only on its group,
-- the lead's opens, clicks and deliveries of one email, except click_without_open, which
-- also asks whether anyone opened the email at all. So a run
-- judges again only the groups that an input row from a file the stored verdicts have not
-- accounted for touches: every row (any outcome) sharing an id with such a row, which
-- covers an event's old group when a re-sync moved it or made it a duplicate; plus every
-- group with clicks of an email whose "opened by anyone" flipped. It replaces those
-- verdicts by id (delete+insert) and the post-hook drops the verdicts of events that are
-- no longer staged at all, so the table equals a full refresh. Which files are accounted
-- for: each verdict carries the file of its open or click (_mqx_file) and the newest file
-- of its group's deliveries (_mqx_delivery_file); a file sorting at or before the newest
-- such file of its input is accounted for. That relies on a connector's next file
-- sorting after the earlier ones, as the landing's _mqx_row_number already does; if that
-- newest file is no longer landed, every group is judged again.
-- Run with --full-refresh after replacing landed files, or after changing the
-- bot_user_agents seed or a bot_* var: stored verdicts are not judged again for those.
{#- Incremental runs only (so never in unit tests, which have no stored table): after the
    verdicts of the groups judged again replaced the stored ones by id, drop the verdicts
    of events that no longer have a staged row at all (now a duplicate of nothing staged,
    set aside); their groups were judged again, but they left no verdict to replace. Such
    an event still has its rows, none staged: looking among the ids with a row that is
    not staged first halves the time of a scan of every verdict against every staged id.
-#}
{%- set delete_unstaged_verdicts -%}{% raw %}
    {%- if this is not none and is_incremental() %}
        delete from {{ this }}
        where (
            activity_type = 'open'
            and email_activity_id in (
                select not_staged.email_open_id
                from {{ ref('base_marketo__email_opens') }} as not_staged
                where not_staged.row_outcome != 'staged'
                    and not_staged.email_open_id not in (
                        select staged.email_open_id
                        from {{ ref('base_marketo__email_opens') }} as staged
                        where staged.row_outcome = 'staged'
                            and staged.email_open_id is not null
                    )
            )
        ) or (
            activity_type = 'click'
            and email_activity_id in (
                select not_staged.email_click_id
                from {{ ref('base_marketo__email_clicks') }} as not_staged
                where not_staged.row_outcome != 'staged'
                    and not_staged.email_click_id not in (
                        select staged.email_click_id
                        from {{ ref('base_marketo__email_clicks') }} as staged
                        where staged.row_outcome = 'staged'
                            and staged.email_click_id is not null
                    )
            )
        )
    {%- endif %}
{% endraw %}{%- endset -%}
{{ config(
    materialized=mqx_event_materialization(),
    incremental_strategy='delete+insert',
    unique_key='email_bot_verdict_id',
    on_schema_change='fail',
    post_hook=delete_unstaged_verdicts,
) }}

{%- set burst_ms = (var('bot_same_email_burst_seconds') | float * 1000) | int -%}
{%- set after_delivery_ms = (var('bot_after_delivery_seconds') | float * 1000) | int -%}
{%- set all_links_ms = (var('bot_all_links_seconds') | float * 1000) | int -%}
{%- set all_links_min = var('bot_all_links_min_links') | int -%}
{%- set open_window_ms = (var('bot_click_open_window_days') | float * 86400000) | int -%}
{%- set epoch = "cast('1970-01-01 00:00:00' as " ~ dbt.type_timestamp() ~ ")" %}
{%- set incremental = this is not none and is_incremental() %}
{#- the inputs whose new files name the groups to judge again: (kind, model, id column) -#}
{%- set inputs = [
    ('open', 'base_marketo__email_opens', 'email_open_id'),
    ('click', 'base_marketo__email_clicks', 'email_click_id'),
    ('delivery', 'base_marketo__email_deliveries', 'email_delivery_id'),
] %}

{#- On incremental runs, the staged rows judged: those of the groups to judge again (a
    join: groups_to_judge is distinct, and an `exists` here cost a grouping of every row). -#}
{%- set only_groups_to_judge -%}
    {%- if incremental %}
    inner join groups_to_judge
        on input_rows.marketo_lead_id = groups_to_judge.marketo_lead_id
            and coalesce(input_rows.campaign_id, '') = groups_to_judge.campaign_key
            and coalesce(input_rows.email_template_id, '') = groups_to_judge.template_key
    {%- endif %}
{%- endset %}

with

{% if incremental -%}
-- The newest file of each input that the stored verdicts were computed from, and whether
-- it is still landed (a moved raw root or a removed file: then every group is judged).
stored_marks as (
    select
        max(case when activity_type = 'open' then _mqx_file end) as open_file,
        max(case when activity_type = 'click' then _mqx_file end) as click_file,
        max(_mqx_delivery_file) as delivery_file
    from {{ this }}
),

accounted_through as (
    select
        {% for kind, model, id_column in inputs %}
            case
                when exists (
                    select 1 from {{ ref(model) }} as landed
                    where landed._mqx_file = stored_marks.{{ kind }}_file
                ) then stored_marks.{{ kind }}_file
            end as {{ kind }}_file{% if not loop.last %},{% endif %}
        {% endfor %}
    from stored_marks
),

-- Ids with a row from a file not accounted for. Every row carrying such an id changed or
-- was resolved again (staged, duplicate or set aside), so all of them name groups to
-- judge: the group an event is in now and the one it was in before a re-sync moved it.
{% for kind, model, id_column in inputs %}
    new_{{ kind }}_ids as (
        select landed.{{ id_column }}
        from {{ ref(model) }} as landed
        cross join accounted_through
        where landed.{{ id_column }} is not null
            and (
                accounted_through.{{ kind }}_file is null
                or landed._mqx_file > accounted_through.{{ kind }}_file
            )
    ),

{% endfor %}
changed_opens as (
    select
        marketo_lead_id,
        coalesce(campaign_id, '') as campaign_key,
        coalesce(email_template_id, '') as template_key
    from {{ ref('base_marketo__email_opens') }}
    where email_open_id in (select new_open_ids.email_open_id from new_open_ids)
),

changed_groups as (
    select marketo_lead_id, campaign_key, template_key from changed_opens

    union

    select
        marketo_lead_id,
        coalesce(campaign_id, '') as campaign_key,
        coalesce(email_template_id, '') as template_key
    from {{ ref('base_marketo__email_clicks') }}
    where email_click_id in (select new_click_ids.email_click_id from new_click_ids)

    union

    select
        marketo_lead_id,
        coalesce(campaign_id, '') as campaign_key,
        coalesce(email_template_id, '') as template_key
    from {{ ref('base_marketo__email_deliveries') }}
    where email_delivery_id in (
        select new_delivery_ids.email_delivery_id from new_delivery_ids
    )
),

-- click_without_open reads whether anyone opened the email: where a changed open flips
-- that (the stored open verdicts say before, the staged opens now), every lead's clicks
-- of the email are judged again.
changed_open_emails as (
    select distinct campaign_key, template_key
    from changed_opens
),

emails_opened_before as (
    select distinct changed_open_emails.campaign_key, changed_open_emails.template_key
    from changed_open_emails
    inner join {{ this }} as stored
        on changed_open_emails.campaign_key = coalesce(stored.campaign_id, '')
            and changed_open_emails.template_key = coalesce(stored.email_template_id, '')
    where stored.activity_type = 'open'
),

emails_opened_now as (
    select distinct changed_open_emails.campaign_key, changed_open_emails.template_key
    from changed_open_emails
    inner join {{ ref('base_marketo__email_opens') }} as landed
        on changed_open_emails.campaign_key = coalesce(landed.campaign_id, '')
            and changed_open_emails.template_key = coalesce(landed.email_template_id, '')
    where landed.row_outcome = 'staged'
),

flipped_emails as (
    select
        changed_open_emails.campaign_key,
        changed_open_emails.template_key
    from changed_open_emails
    left join emails_opened_before
        on changed_open_emails.campaign_key = emails_opened_before.campaign_key
            and changed_open_emails.template_key = emails_opened_before.template_key
    left join emails_opened_now
        on changed_open_emails.campaign_key = emails_opened_now.campaign_key
            and changed_open_emails.template_key = emails_opened_now.template_key
    where (emails_opened_before.campaign_key is null)
        != (emails_opened_now.campaign_key is null)
),

groups_to_judge as (
    select marketo_lead_id, campaign_key, template_key from changed_groups

    union

    select
        landed.marketo_lead_id,
        flipped_emails.campaign_key,
        flipped_emails.template_key
    from {{ ref('base_marketo__email_clicks') }} as landed
    inner join flipped_emails
        on coalesce(landed.campaign_id, '') = flipped_emails.campaign_key
            and coalesce(landed.email_template_id, '') = flipped_emails.template_key
    where landed.row_outcome = 'staged'
),

{% endif -%}
email_opens as (
    select
        input_rows.email_open_id,
        input_rows.marketo_lead_id,
        input_rows.campaign_id,
        input_rows.email_template_id,
        input_rows.user_agent,
        input_rows.is_vendor_flagged_bot,
        input_rows.opened_at,
        input_rows._mqx_file
    from {{ ref('base_marketo__email_opens') }} as input_rows
    {{- only_groups_to_judge }}
    where input_rows.row_outcome = 'staged'
),

email_clicks as (
    select
        input_rows.email_click_id,
        input_rows.marketo_lead_id,
        input_rows.campaign_id,
        input_rows.email_template_id,
        input_rows.link_url,
        input_rows.user_agent,
        input_rows.is_vendor_flagged_bot,
        input_rows.clicked_at,
        input_rows._mqx_file
    from {{ ref('base_marketo__email_clicks') }} as input_rows
    {{- only_groups_to_judge }}
    where input_rows.row_outcome = 'staged'
),

email_deliveries as (
    select
        input_rows.email_delivery_id,
        input_rows.marketo_lead_id,
        input_rows.campaign_id,
        input_rows.email_template_id,
        input_rows.delivered_at,
        input_rows._mqx_file
    from {{ ref('base_marketo__email_deliveries') }} as input_rows
    {{- only_groups_to_judge }}
    where input_rows.row_outcome = 'staged'
),

-- Whether anyone opened an email reads every staged open, not only the judged groups'.
all_email_opens as (
    select
        campaign_id,
        email_template_id
    from {{ ref('base_marketo__email_opens') }}
    where row_outcome = 'staged'
),

-- The long strings (user agents, links, file paths) travel through the joins and the
-- time line's sort below as numbers, one per distinct value, and are looked up again for
-- the verdicts at the end (at 200,000 accounts: 112 s -> 100 s, spill 9.7 -> 6.4 GB). A
-- file's number sorts like its path, so the newest delivery file is the largest number.
user_agent_keys as (
    select
        user_agent,
        row_number() over (order by user_agent asc nulls last) as user_agent_key
    from (
        select user_agent from email_opens
        union
        select user_agent from email_clicks
    ) as distinct_user_agents
    where user_agent is not null
),

link_keys as (
    select
        link_url,
        row_number() over (order by link_url asc nulls last) as link_key
    from (select distinct link_url from email_clicks) as distinct_links
    where link_url is not null
),

file_keys as (
    select
        _mqx_file,
        row_number() over (order by _mqx_file asc nulls last) as file_key
    from (
        select _mqx_file from email_opens
        union
        select _mqx_file from email_clicks
        union
        select _mqx_file from email_deliveries
    ) as distinct_files
    where _mqx_file is not null
),

-- all_links_at_once: a click that starts a window of N seconds in which the lead clicked
-- at least the minimum number of distinct links of the email...
clicks as (
    select
        email_clicks.email_click_id as event_id,
        email_clicks.marketo_lead_id,
        coalesce(email_clicks.campaign_id, '') as campaign_key,
        coalesce(email_clicks.email_template_id, '') as template_key,
        link_keys.link_key,
        {{ dbt.datediff(epoch, 'email_clicks.clicked_at', 'millisecond') }} as occurred_ms
    from email_clicks
    left join link_keys on email_clicks.link_url = link_keys.link_url
),

link_burst_starts as (
    select
        window_start.event_id,
        count(distinct window_click.link_key) as links_in_window
    from clicks as window_start
    inner join clicks as window_click
        on window_start.marketo_lead_id = window_click.marketo_lead_id
            and window_start.campaign_key = window_click.campaign_key
            and window_start.template_key = window_click.template_key
            and window_start.occurred_ms <= window_click.occurred_ms
            and window_click.occurred_ms <= window_start.occurred_ms + {{ all_links_ms }}
    group by window_start.event_id
    having count(distinct window_click.link_key) >= {{ all_links_min }}
),

-- ... and every click inside such a window (only those: the few flagged on the time line).
link_burst_windows as (
    select
        clicks.event_id,
        max(link_burst_starts.links_in_window) over (
            partition by clicks.marketo_lead_id, clicks.campaign_key, clicks.template_key
            order by clicks.occurred_ms asc nulls last
            range between {{ all_links_ms }} preceding and current row
        ) as links_in_burst
    from clicks
    left join link_burst_starts
        on clicks.event_id = link_burst_starts.event_id
),

link_bursts as (
    select event_id
    from link_burst_windows
    where links_in_burst is not null
),

-- Opens, clicks and deliveries on one time line. An email is (campaign, template); a
-- missing part counts as '' so the rules still compare like with like. At equal times a
-- delivery sorts first, then opens, then clicks ("at or before" includes equal times).
events as (
    select
        email_opens.email_open_id as event_id,
        'open' as activity_type,
        email_opens.marketo_lead_id,
        email_opens.campaign_id,
        email_opens.email_template_id,
        cast(null as bigint) as link_key,
        user_agent_keys.user_agent_key,
        coalesce(email_opens.is_vendor_flagged_bot, false) as is_vendor_flagged,
        false as is_all_links_at_once,
        1 as event_order,
        email_opens.opened_at as occurred_at,
        file_keys.file_key
    from email_opens
    left join user_agent_keys on email_opens.user_agent = user_agent_keys.user_agent
    left join file_keys on email_opens._mqx_file = file_keys._mqx_file

    union all

    select
        email_clicks.email_click_id as event_id,
        'click' as activity_type,
        email_clicks.marketo_lead_id,
        email_clicks.campaign_id,
        email_clicks.email_template_id,
        link_keys.link_key,
        user_agent_keys.user_agent_key,
        coalesce(email_clicks.is_vendor_flagged_bot, false) as is_vendor_flagged,
        link_bursts.event_id is not null as is_all_links_at_once,
        2 as event_order,
        email_clicks.clicked_at as occurred_at,
        file_keys.file_key
    from email_clicks
    left join link_bursts on email_clicks.email_click_id = link_bursts.event_id
    left join link_keys on email_clicks.link_url = link_keys.link_url
    left join user_agent_keys on email_clicks.user_agent = user_agent_keys.user_agent
    left join file_keys on email_clicks._mqx_file = file_keys._mqx_file

    union all

    select
        email_deliveries.email_delivery_id as event_id,
        'delivery' as activity_type,
        email_deliveries.marketo_lead_id,
        email_deliveries.campaign_id,
        email_deliveries.email_template_id,
        cast(null as bigint) as link_key,
        cast(null as bigint) as user_agent_key,
        false as is_vendor_flagged,
        false as is_all_links_at_once,
        0 as event_order,
        email_deliveries.delivered_at as occurred_at,
        file_keys.file_key
    from email_deliveries
    left join file_keys on email_deliveries._mqx_file = file_keys._mqx_file
),

timed as (
    select
        *,
        coalesce(campaign_id, '') as campaign_key,
        coalesce(email_template_id, '') as template_key,
        {{ dbt.datediff(epoch, 'occurred_at', 'millisecond') }} as occurred_ms,
        case when activity_type != 'delivery' then 1 else 0 end as is_activity
    from events
),

-- What surrounds each event on its lead's time line for that email.
neighbours as (
    select
        *,
        max(case when is_activity = 1 then occurred_ms end) over (
            partition by marketo_lead_id, campaign_key, template_key
            order by occurred_ms asc nulls last, event_order asc nulls last
            rows between unbounded preceding and 1 preceding
        ) as previous_activity_ms,
        min(case when is_activity = 1 then occurred_ms end) over (
            partition by marketo_lead_id, campaign_key, template_key
            order by occurred_ms asc nulls last, event_order asc nulls last
            rows between 1 following and unbounded following
        ) as next_activity_ms,
        max(case when activity_type = 'delivery' then occurred_ms end) over (
            partition by marketo_lead_id, campaign_key, template_key
            order by occurred_ms asc nulls last, event_order asc nulls last
            rows between unbounded preceding and current row
        ) as delivered_ms,
        max(case when activity_type = 'delivery' then occurred_at end) over (
            partition by marketo_lead_id, campaign_key, template_key
            order by occurred_ms asc nulls last, event_order asc nulls last
            rows between unbounded preceding and current row
        ) as delivered_at,
        max(case when activity_type = 'open' then occurred_ms end) over (
            partition by marketo_lead_id, campaign_key, template_key
            order by occurred_ms asc nulls last, event_order asc nulls last
            rows between unbounded preceding and current row
        ) as last_open_ms,
        min(case when activity_type = 'delivery' then occurred_ms end) over (
            partition by marketo_lead_id, campaign_key, template_key
        ) as first_delivered_ms,
        -- bookkeeping for incremental runs (see the top)
        max(case when activity_type = 'delivery' then file_key end) over (
            partition by marketo_lead_id, campaign_key, template_key
        ) as delivery_file_key
    from timed
),

activities as (
    select * from neighbours
    where is_activity = 1
),

-- bot_user_agent: each distinct user agent against the list, once.
bot_user_agent_kinds as (
    {{ mqx_bot_user_agent_kinds('user_agent_keys', 'email') }}
),

user_agent_verdicts as (
    select
        user_agent_keys.user_agent_key,
        user_agent_keys.user_agent,
        bot_user_agent_kinds.bot_kind,
        bot_user_agent_kinds.user_agent_pattern
    from user_agent_keys
    left join bot_user_agent_kinds
        on user_agent_keys.user_agent = bot_user_agent_kinds.user_agent
),

-- click_without_open only judges emails whose opens are tracked at all: an email with
-- no recorded open by anyone (open tracking off, or no opens landed) says nothing about
-- its clicks.
emails_with_opens as (
    select distinct
        coalesce(campaign_id, '') as campaign_key,
        coalesce(email_template_id, '') as template_key
    from all_email_opens
),

rules as (
    select
        activities.event_id as email_activity_id,
        activities.activity_type,
        activities.marketo_lead_id,
        activities.campaign_id,
        activities.email_template_id,
        link_keys.link_url,
        user_agent_verdicts.user_agent,
        user_agent_verdicts.bot_kind as user_agent_bot_kind,
        user_agent_verdicts.user_agent_pattern as bot_user_agent_pattern,
        activities.is_vendor_flagged,
        user_agent_verdicts.bot_kind is not null as has_bot_user_agent,
        coalesce(
            activities.occurred_ms - activities.previous_activity_ms <= {{ burst_ms }}
            or activities.next_activity_ms - activities.occurred_ms <= {{ burst_ms }},
            false
        ) as is_same_email_burst,
        coalesce(
            activities.occurred_ms - activities.delivered_ms <= {{ after_delivery_ms }},
            false
        ) as is_soon_after_delivery,
        activities.is_all_links_at_once,
        activities.activity_type = 'click'
        and (
            (
                emails_with_opens.campaign_key is not null
                and (
                    activities.last_open_ms is null
                    or activities.occurred_ms - activities.last_open_ms
                    > {{ open_window_ms }}
                )
            )
            or coalesce(activities.occurred_ms < activities.first_delivered_ms, false)
        ) as is_click_without_open,
        activities.delivered_at,
        activities.occurred_at,
        activity_files._mqx_file,
        delivery_files._mqx_file as _mqx_delivery_file
    from activities
    left join user_agent_verdicts
        on activities.user_agent_key = user_agent_verdicts.user_agent_key
    left join link_keys on activities.link_key = link_keys.link_key
    left join file_keys as activity_files on activities.file_key = activity_files.file_key
    left join file_keys as delivery_files
        on activities.delivery_file_key = delivery_files.file_key
    left join emails_with_opens
        on activities.campaign_key = emails_with_opens.campaign_key
        and activities.template_key = emails_with_opens.template_key
),

-- Every rule that fired, in priority order: ',rule_a,rule_b' without its first comma.
fired as (
    select
        *,
        case when is_vendor_flagged then ',vendor_flag' else '' end
        || case when has_bot_user_agent then ',bot_user_agent' else '' end
        || case when is_same_email_burst then ',same_email_burst' else '' end
        || case when is_soon_after_delivery then ',soon_after_delivery' else '' end
        || case when is_all_links_at_once then ',all_links_at_once' else '' end
        || case when is_click_without_open then ',click_without_open' else '' end
            as rules_fired_list
    from rules
),

final as (
    select
        activity_type || ':' || email_activity_id as email_bot_verdict_id,
        email_activity_id,
        activity_type,
        marketo_lead_id,
        campaign_id,
        email_template_id,
        link_url,
        user_agent,
        user_agent_bot_kind,
        bot_user_agent_pattern,
        case
            when is_vendor_flagged then 'vendor_flag'
            when has_bot_user_agent then 'bot_user_agent'
            when is_same_email_burst then 'same_email_burst'
            when is_soon_after_delivery then 'soon_after_delivery'
            when is_all_links_at_once then 'all_links_at_once'
            when is_click_without_open then 'click_without_open'
        end as bot_rule,
        nullif(substring(rules_fired_list, 2), '') as bot_rules_fired,
        rules_fired_list != '' as is_bot,
        is_vendor_flagged,
        has_bot_user_agent,
        is_same_email_burst,
        is_soon_after_delivery,
        is_all_links_at_once,
        is_click_without_open,
        delivered_at,
        occurred_at,
        _mqx_file,
        _mqx_delivery_file
    from fired
)

select * from final
