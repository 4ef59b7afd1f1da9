with

email_deliveries as (
    select * from {{ ref('base_marketo__email_deliveries') }}
    where row_outcome = 'staged'
),

final as (
    select
        email_delivery_id,
        marketo_lead_id,
        campaign_id,
        email_template_id,
        delivered_at
    from email_deliveries
)

select * from final
