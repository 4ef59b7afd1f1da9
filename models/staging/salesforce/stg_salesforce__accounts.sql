with

accounts as (
    select * from {{ ref('base_salesforce__accounts') }}
    where row_outcome = 'staged'
),

final as (
    select
        account_id,
        account_name,
        account_domain,
        industry,
        billing_country,
        account_type,
        owner_id,
        number_of_employees,
        annual_revenue,
        created_at,
        fivetran_synced_at
    from accounts
)

select * from final
