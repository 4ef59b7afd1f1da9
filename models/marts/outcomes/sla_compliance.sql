-- One row per entry into a tier that has a service level (hand_raiser, mqx, mex; see
-- seed playbooks): when the unit entered the tier, when sales first touched it (a task
-- or event on the unit's person, or on its account's people or account), and whether
-- that was within the tier's sla_hours.
--   met       first touch at or before sla_due_at;
--   breached  first touch after sla_due_at, or none yet and sla_due_at has passed;
--   open      no touch yet and sla_due_at is still ahead of the run date.
-- The verdict compares timestamps (dbt.dateadd), which is exact on every engine;
-- hours_to_first_touch is for reading only (datediff in minutes / 60).
with

entries as (
    select
        tier_entry_id,
        unit_type,
        unit_id,
        account_id,
        person_id,
        owner_id,
        tier,
        tier_entered_at,
        first_touch_at
    from {{ ref('tier_entries') }}
    where tier in ('hand_raiser', 'mqx', 'mex')
),

playbooks as (
    select
        tier,
        sla_hours
    from {{ ref('playbooks') }}
    where sla_hours is not null
),

run_date as (
    select max(run_as_of_date) as run_as_of_date
    from {{ ref('int_run_calendar') }}
),

due as (
    select
        entries.*,
        playbooks.sla_hours,
        {{ dbt.dateadd('hour', 'playbooks.sla_hours', 'entries.tier_entered_at') }}
            as sla_due_at,
        cast(run_date.run_as_of_date as {{ dbt.type_timestamp() }}) as run_as_of_at
    from entries
    inner join playbooks on entries.tier = playbooks.tier
    cross join run_date
),

final as (
    select
        tier_entry_id as sla_entry_id,
        unit_type,
        unit_id,
        account_id,
        person_id,
        owner_id,
        tier,
        case
            when first_touch_at <= sla_due_at then 'met'
            when first_touch_at > sla_due_at then 'breached'
            when sla_due_at < run_as_of_at then 'breached'
            else 'open'
        end as sla_status,
        sla_hours,
        {{ dbt.datediff('tier_entered_at', 'first_touch_at', 'minute') }} / 60.0
            as hours_to_first_touch,
        coalesce(first_touch_at <= sla_due_at, false) as is_within_sla,
        coalesce(first_touch_at > sla_due_at, sla_due_at < run_as_of_at) as is_breached,
        first_touch_at is not null as is_touched,
        tier_entered_at,
        sla_due_at,
        first_touch_at
    from due
)

select * from final
