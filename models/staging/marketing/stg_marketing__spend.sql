with

spend as (
    select * from {{ ref('base_marketing__spend') }}
    where row_outcome = 'staged'
),

final as (
    select
        spend_id,
        campaign_id,
        channel,
        campaign_name,
        amount_usd,
        spend_date
    from spend
)

select * from final
