with

campaign_members as (
    select * from {{ ref('base_salesforce__campaign_members') }}
    where row_outcome = 'staged'
),

final as (
    select
        campaign_member_id,
        campaign_id,
        lead_id,
        contact_id,
        member_status,
        has_responded,
        first_responded_date,
        created_at
    from campaign_members
)

select * from final
