-- One row per tier entry: each unbroken spell of weekly as-of dates a unit spent in one
-- tier, with what sales did and what came of it after the entry. The entry is judged
-- on the tier it entered, never on a later re-score: an opportunity that follows an
-- mex spell is credited to that mex entry even if the unit became mqx in between.
--   tier_entered_at  the first hand-raise of the hand-raise window for hand-raisers (the
--                    request is what put them there), else the spell's first as-of date
--                    (the moment the scoring surfaced the unit);
--   touches          tasks and events on the unit's person (lead units) or on anyone at,
--                    or on, the unit's account (account and buying-group units);
--   opportunities    New Business opportunities of the unit's account created at or
--                    after entry; "within window" = within conversion_window_days.
{%- set window_days = var('conversion_window_days') %}
with

units as (
    select
        unit_type,
        unit_id,
        account_id,
        person_id,
        owner_id,
        segment
    from {{ ref('int_units_profiled') }}
),

calendar as (
    select distinct
        as_of_date,
        run_as_of_date
    from {{ ref('int_run_calendar') }}
),

hand_raises as (
    select
        unit_type,
        unit_id,
        occurred_at
    from {{ ref('int_unit_signals') }}
    where signal_class = 'hand_raise'
),

identifiers as (
    select
        identifier,
        person_id
    from {{ ref('int_person_identifiers') }}
    where identifier_type in ('sfdc_contact', 'sfdc_lead')
),

people as (
    select
        person_id,
        account_id,
        lead_status
    from {{ ref('int_people_resolved') }}
),

erased_identifiers as (
    -- touches on someone named by an erasure request are theirs: not counted
    select identifier
    from {{ ref('int_person_erasures') }}
    where identifier_type in ('sfdc_contact', 'sfdc_lead')
),

tasks as (
    select
        task_id,
        who_id,
        account_id,
        created_at,
        activity_date
    from {{ ref('stg_salesforce__tasks') }}
),

events as (
    select
        event_id,
        who_id,
        account_id,
        is_meeting,
        started_at,
        created_at
    from {{ ref('stg_salesforce__events') }}
),

opportunities as (
    select
        opportunity_id,
        account_id,
        is_won,
        created_at
    from {{ ref('stg_salesforce__opportunities') }}
    where is_new_business
),

run_date as (
    select max(run_as_of_date) as run_as_of_date from calendar
),

spells as (
    select unit_type, unit_id, tier, weeks_in_tier, spell_start_date, spell_end_date
    from {{ ref('int_unit_tier_spells') }}
),

spells_described as (
    -- who the unit is (every unit with a spell is among the profiled units)
    select
        spells.*,
        units.account_id,
        units.person_id,
        units.owner_id,
        units.segment
    from spells
    inner join units
        on spells.unit_type = units.unit_type
            and spells.unit_id = units.unit_id
),

entry_times as (
    select
        spells_described.unit_type,
        spells_described.unit_id,
        spells_described.spell_start_date,
        min(hand_raises.occurred_at) as first_hand_raise_at
    from spells_described
    inner join hand_raises
        on spells_described.unit_type = hand_raises.unit_type
            and spells_described.unit_id = hand_raises.unit_id
            and hand_raises.occurred_at < cast(
                spells_described.spell_start_date as {{ dbt.type_timestamp() }}
            )
            and hand_raises.occurred_at >= cast({{ dbt.dateadd(
                'day',
                -1 * var('hand_raise_window_days'),
                'spells_described.spell_start_date'
            ) }} as {{ dbt.type_timestamp() }})
    where spells_described.tier = 'hand_raiser'
    group by
        spells_described.unit_type,
        spells_described.unit_id,
        spells_described.spell_start_date
),

entries as (
    select
        spells_described.*,
        coalesce(
            entry_times.first_hand_raise_at,
            cast(spells_described.spell_start_date as {{ dbt.type_timestamp() }})
        ) as tier_entered_at,
        case
            when spells_described.unit_type = 'lead' then 'person'
            else 'account'
        end as touch_match_type,
        case
            when spells_described.unit_type = 'lead' then spells_described.person_id
            else spells_described.account_id
        end as touch_match_key
    from spells_described
    left join entry_times
        on spells_described.unit_type = entry_times.unit_type
            and spells_described.unit_id = entry_times.unit_id
            and spells_described.spell_start_date = entry_times.spell_start_date
),

touches_unioned as (
    select
        tasks.who_id,
        tasks.account_id,
        cast(null as {{ dbt.type_timestamp() }}) as meeting_started_at,
        coalesce(
            tasks.created_at, cast(tasks.activity_date as {{ dbt.type_timestamp() }})
        ) as touched_at
    from tasks

    union all

    select
        events.who_id,
        events.account_id,
        case when events.is_meeting then events.started_at end as meeting_started_at,
        coalesce(events.created_at, events.started_at) as touched_at
    from events
),

touches as (
    select
        identifiers.person_id,
        coalesce(people.account_id, touches_unioned.account_id) as account_id,
        touches_unioned.meeting_started_at,
        touches_unioned.touched_at
    from touches_unioned
    left join identifiers on touches_unioned.who_id = identifiers.identifier
    left join people on identifiers.person_id = people.person_id
    left join erased_identifiers on touches_unioned.who_id = erased_identifiers.identifier
    where touches_unioned.touched_at is not null and erased_identifiers.identifier is null
),

touch_keys as (
    select
        'person' as touch_match_type,
        person_id as touch_match_key,
        meeting_started_at,
        touched_at
    from touches
    where person_id is not null

    union all

    select
        'account' as touch_match_type,
        account_id as touch_match_key,
        meeting_started_at,
        touched_at
    from touches
    where account_id is not null
),

-- The first touch and the first meeting at or after each entry, read off one time line
-- per match key: entries, touches (at touched_at) and meetings (at meeting_started_at)
-- sorted by time, an entry before a touch of the same moment (which counts as at or
-- after it); an entry's first touch is the earliest touch from its place on, its first
-- meeting the earliest meeting. (A join of every entry to every touch of its account grew
-- with entries x touches per account and spilled gigabytes at 50,000 accounts; touches
-- and meetings share one time line, so one sort serves both, and only entries whose key
-- was ever touched go on it: the others have no first touch.)
touched_keys as (
    select distinct
        touch_match_type,
        touch_match_key
    from touch_keys
),

timeline as (
    select
        entries.touch_match_type,
        entries.touch_match_key,
        entries.unit_type,
        entries.unit_id,
        entries.spell_start_date,
        entries.tier_entered_at as moment,
        0 as is_touch,
        cast(null as {{ dbt.type_timestamp() }}) as touched_at,
        cast(null as {{ dbt.type_timestamp() }}) as meeting_started_at
    from entries
    inner join touched_keys
        on entries.touch_match_type = touched_keys.touch_match_type
            and entries.touch_match_key = touched_keys.touch_match_key

    union all

    select
        touch_match_type,
        touch_match_key,
        cast(null as {{ dbt.type_string() }}) as unit_type,
        cast(null as {{ dbt.type_string() }}) as unit_id,
        cast(null as date) as spell_start_date,
        touched_at as moment,
        1 as is_touch,
        touched_at,
        cast(null as {{ dbt.type_timestamp() }}) as meeting_started_at
    from touch_keys
    where touched_at is not null

    union all

    select
        touch_match_type,
        touch_match_key,
        cast(null as {{ dbt.type_string() }}) as unit_type,
        cast(null as {{ dbt.type_string() }}) as unit_id,
        cast(null as date) as spell_start_date,
        meeting_started_at as moment,
        1 as is_touch,
        cast(null as {{ dbt.type_timestamp() }}) as touched_at,
        meeting_started_at
    from touch_keys
    where meeting_started_at is not null
),

timeline_firsts as (
    select
        unit_type,
        unit_id,
        spell_start_date,
        is_touch,
        min(touched_at) over (
            partition by touch_match_type, touch_match_key
            order by moment asc nulls last, is_touch asc nulls last
            rows between current row and unbounded following
        ) as first_touch_at,
        min(meeting_started_at) over (
            partition by touch_match_type, touch_match_key
            order by moment asc nulls last, is_touch asc nulls last
            rows between current row and unbounded following
        ) as first_meeting_at
    from timeline
),

entry_touches as (
    select
        unit_type,
        unit_id,
        spell_start_date,
        first_touch_at,
        first_meeting_at
    from timeline_firsts
    where is_touch = 0
),

entry_opportunities as (
    select
        entries.unit_type,
        entries.unit_id,
        entries.spell_start_date,
        min(opportunities.created_at) as first_opportunity_at,
        count(
            case
                when opportunities.created_at <= {{ dbt.dateadd(
                    'day', window_days, 'entries.tier_entered_at'
                ) }} then opportunities.opportunity_id
            end
        ) as opportunities_within_window,
        count(
            case
                when opportunities.is_won and opportunities.created_at <= {{ dbt.dateadd(
                    'day', window_days, 'entries.tier_entered_at'
                ) }} then opportunities.opportunity_id
            end
        ) as won_within_window
    from entries
    inner join opportunities
        on entries.account_id = opportunities.account_id
            and entries.tier_entered_at <= opportunities.created_at
    group by entries.unit_type, entries.unit_id, entries.spell_start_date
),

windowed as (
    select
        entries.*,
        entry_touches.first_touch_at,
        entry_touches.first_meeting_at,
        entry_opportunities.first_opportunity_at,
        coalesce(entry_opportunities.opportunities_within_window, 0)
            as opportunities_within_window,
        coalesce(entry_opportunities.won_within_window, 0) as won_within_window,
        people.lead_status,
        {{ dbt.dateadd('day', window_days, 'entries.tier_entered_at') }} as window_ends_at,
        run_date.run_as_of_date
    from entries
    cross join run_date
    left join entry_touches
        on entries.unit_type = entry_touches.unit_type
            and entries.unit_id = entry_touches.unit_id
            and entries.spell_start_date = entry_touches.spell_start_date
    left join entry_opportunities
        on entries.unit_type = entry_opportunities.unit_type
            and entries.unit_id = entry_opportunities.unit_id
            and entries.spell_start_date = entry_opportunities.spell_start_date
    left join people
        -- one equality, so a hash join: a test on the entries side of a left join's
        -- condition made DuckDB join every entry to every person (a nested loop)
        on case when entries.unit_type = 'lead' then entries.person_id end
        = people.person_id
),

final as (
    select
        unit_type || ':' || unit_id || ':' || tier || ':'
        || cast(spell_start_date as {{ dbt.type_string() }}) as tier_entry_id,
        unit_type,
        unit_id,
        account_id,
        person_id,
        owner_id,
        segment,
        tier,
        weeks_in_tier,
        opportunities_within_window,
        won_within_window,
        case
            when unit_type = 'lead'
                then coalesce(lead_status in ('accepted', 'converted'), false)
        end as is_accepted,
        coalesce(first_touch_at <= window_ends_at, false) as is_touched_within_window,
        coalesce(first_meeting_at <= window_ends_at, false) as has_meeting_within_window,
        opportunities_within_window > 0 as has_opportunity_within_window,
        won_within_window > 0 as is_won_within_window,
        window_ends_at <= cast(run_as_of_date as {{ dbt.type_timestamp() }})
            as is_window_complete,
        cast({{ dbt.date_trunc('month', 'tier_entered_at') }} as date) as cohort_month,
        spell_start_date,
        spell_end_date,
        tier_entered_at,
        first_touch_at,
        first_meeting_at,
        first_opportunity_at,
        window_ends_at
    from windowed
)

select * from final
