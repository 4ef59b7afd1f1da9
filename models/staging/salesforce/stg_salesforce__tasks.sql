with

tasks as (
    select * from {{ ref('base_salesforce__tasks') }}
    where row_outcome = 'staged'
),

final as (
    select
        task_id,
        who_id,
        what_id,
        account_id,
        owner_id,
        subject,
        task_type,
        task_status,
        activity_date,
        created_at,
        fivetran_synced_at
    from tasks
)

select * from final
