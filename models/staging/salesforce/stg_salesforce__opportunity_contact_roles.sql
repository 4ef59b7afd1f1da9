with

opportunity_contact_roles as (
    select * from {{ ref('base_salesforce__opportunity_contact_roles') }}
    where row_outcome = 'staged'
),

final as (
    select
        opportunity_contact_role_id,
        opportunity_id,
        contact_id,
        contact_role,
        is_primary
    from opportunity_contact_roles
)

select * from final
