with

campaigns as (
    select * from {{ ref('base_salesforce__campaigns') }}
    where row_outcome = 'staged'
),

final as (
    select
        campaign_id,
        campaign_name,
        campaign_type,
        campaign_status,
        actual_cost_usd,
        start_date,
        end_date
    from campaigns
)

select * from final
