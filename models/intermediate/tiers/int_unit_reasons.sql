-- The top reasons, in plain words, why each unit has its score on the run date: its
-- three heaviest signal groups by decayed weight, e.g. "3 people from acme.com viewed
-- pricing in the last 7 days; Bombora surge 72 on Sales Engagement".
with

signals as (
    select
        unit_type,
        unit_id,
        person_id,
        signal_source,
        signal_type,
        reason_phrase,
        detail,
        score,
        age_days,
        decayed_weight
    from {{ ref('int_unit_signals_current') }}
),

units as (
    select unit_type, unit_id, company_domain from {{ ref('int_units_profiled') }}
),

grouped as (
    select
        signals.unit_type,
        signals.unit_id,
        signals.signal_source,
        signals.signal_type,
        signals.reason_phrase,
        case when signals.signal_source = 'bombora' then signals.detail end as topic,
        count(distinct signals.person_id) as people,
        count(*) as signals,
        max(signals.score) as max_score,
        min(signals.age_days) as min_age_days,
        max(signals.age_days) as max_age_days,
        sum(signals.decayed_weight) as decayed_weight
    from signals
    group by
        signals.unit_type,
        signals.unit_id,
        signals.signal_source,
        signals.signal_type,
        signals.reason_phrase,
        case when signals.signal_source = 'bombora' then signals.detail end
),

ranked as (
    -- ranked before the phrasing: only the three heaviest groups of a unit are put into
    -- words and joined to the unit. Groups of one signal type can weigh exactly the same
    -- (a referral and a partner referral of one person, two Bombora topics): the rest of
    -- the group settles the order, which was left to chance (it changed between runs)
    select
        *,
        row_number() over (
            partition by unit_type, unit_id
            order by
                decayed_weight desc nulls last,
                signal_type asc nulls last,
                reason_phrase asc nulls last,
                topic asc nulls last,
                signal_source asc nulls last
        ) as reason_rank
    from grouped
),

phrased as (
    select
        ranked.unit_type,
        ranked.unit_id,
        ranked.reason_rank,
        case
            when ranked.signal_source = 'bombora'
                then 'Bombora surge ' || cast(ranked.max_score as {{ dbt.type_string() }})
                    || ' on ' || ranked.topic
            when ranked.people > 1
                then cast(ranked.people as {{ dbt.type_string() }}) || ' people from '
                    || coalesce(units.company_domain, 'one account') || ' ' || ranked.reason_phrase
            when ranked.people = 1
                then '1 person from ' || coalesce(units.company_domain, 'an unknown company')
                    || ' ' || ranked.reason_phrase
            else coalesce(units.company_domain, 'the account') || ' ' || ranked.reason_phrase
        end
        || case
            when ranked.signals > 1 and ranked.people <= 1 and ranked.signal_source != 'bombora'
                then ' (' || cast(ranked.signals as {{ dbt.type_string() }}) || ' times)'
            else ''
        end
        || case
            when ranked.max_age_days <= 7 then ' this week'
            else ' in the last ' || cast(ranked.max_age_days as {{ dbt.type_string() }}) || ' days'
        end as reason
    from ranked
    left join units
        on ranked.unit_type = units.unit_type
            and ranked.unit_id = units.unit_id
    where ranked.reason_rank <= 3
),

final as (
    select
        unit_type || ':' || unit_id as unit_key,
        unit_type,
        unit_id,
        {{ dbt.listagg('reason', "'; '", 'order by reason_rank') }} as top_reasons
    from phrased
    group by unit_type, unit_id
)

select * from final
