with

events as (
    select * from {{ ref('base_salesforce__events') }}
    where row_outcome = 'staged'
),

final as (
    select
        event_id,
        who_id,
        what_id,
        account_id,
        owner_id,
        subject,
        event_type,
        is_meeting,
        started_at,
        created_at,
        fivetran_synced_at
    from events
)

select * from final
