with

contacts as (
    select * from {{ ref('base_salesforce__contacts') }}
    where row_outcome = 'staged'
),

final as (
    select
        contact_id,
        account_id,
        email,
        email_domain,
        first_name,
        last_name,
        title,
        lead_source,
        created_at,
        fivetran_synced_at
    from contacts
)

select * from final
