with

opportunities as (
    select * from {{ ref('base_salesforce__opportunities') }}
    where row_outcome = 'staged'
),

final as (
    select
        opportunity_id,
        account_id,
        owner_id,
        opportunity_name,
        stage_name,
        opportunity_type,
        lead_source,
        amount_usd,
        is_closed,
        is_won,
        is_new_business,
        close_date,
        created_at,
        fivetran_synced_at
    from opportunities
)

select * from final
