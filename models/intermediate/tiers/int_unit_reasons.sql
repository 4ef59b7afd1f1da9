-- The top reasons, in plain words, why each unit has its score on the run date: its
-- three heaviest signal groups by decayed weight, e.g. "3 people from acme.com viewed
-- pricing in the last 7 days; Bombora surge 72 on Sales Engagement".
with

signals as (
    select * from {{ ref('int_unit_signals_current') }}
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

phrased as (
    select
        grouped.*,
        case
            when grouped.signal_source = 'bombora'
                then 'Bombora surge ' || cast(grouped.max_score as {{ dbt.type_string() }})
                    || ' on ' || grouped.topic
            when grouped.people > 1
                then cast(grouped.people as {{ dbt.type_string() }}) || ' people from '
                    || coalesce(units.company_domain, 'one account') || ' ' || grouped.reason_phrase
            when grouped.people = 1
                then '1 person from ' || coalesce(units.company_domain, 'an unknown company')
                    || ' ' || grouped.reason_phrase
            else coalesce(units.company_domain, 'the account') || ' ' || grouped.reason_phrase
        end
        || case
            when grouped.signals > 1 and grouped.people <= 1 and grouped.signal_source != 'bombora'
                then ' (' || cast(grouped.signals as {{ dbt.type_string() }}) || ' times)'
            else ''
        end
        || case
            when grouped.max_age_days <= 7 then ' this week'
            else ' in the last ' || cast(grouped.max_age_days as {{ dbt.type_string() }}) || ' days'
        end as reason,
        row_number() over (
            partition by grouped.unit_type, grouped.unit_id
            order by grouped.decayed_weight desc nulls last, grouped.signal_type asc
        ) as reason_rank
    from grouped
    left join units
        on grouped.unit_type = units.unit_type
            and grouped.unit_id = units.unit_id
),

final as (
    select
        unit_type || ':' || unit_id as unit_key,
        unit_type,
        unit_id,
        {{ dbt.listagg('reason', "'; '", 'order by reason_rank') }} as top_reasons
    from phrased
    where reason_rank <= 3
    group by unit_type, unit_id
)

select * from final
