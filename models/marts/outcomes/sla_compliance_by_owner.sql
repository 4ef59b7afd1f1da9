-- The share of tier entries each account owner touched within the tier's SLA, per tier
-- (from sla_compliance). Entries still open (not touched, not yet due) are left out of
-- the share: it is met / (met + breached). Entries of units without an account owner
-- are reported under owner_id 'unassigned'.
with

entries as (
    select
        coalesce(owner_id, 'unassigned') as owner_id,
        tier,
        sla_hours,
        sla_status
    from {{ ref('sla_compliance') }}
),

final as (
    select
        tier || ':' || owner_id as sla_owner_id,
        owner_id,
        tier,
        max(sla_hours) as sla_hours,
        count(*) as entries,
        count(case when sla_status = 'met' then 1 end) as entries_met,
        count(case when sla_status = 'breached' then 1 end) as entries_breached,
        count(case when sla_status = 'open' then 1 end) as entries_open,
        count(case when sla_status = 'met' then 1 end)
        / nullif(cast(count(case when sla_status != 'open' then 1 end) as double), 0)
            as share_within_sla
    from entries
    group by owner_id, tier
)

select * from final
