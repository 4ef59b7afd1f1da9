with

leads as (
    select * from {{ ref('base_marketo__leads') }}
    where row_outcome = 'staged'
),

final as (
    select
        marketo_lead_id,
        email,
        email_domain,
        first_name,
        last_name,
        company_name,
        title,
        sfdc_lead_id,
        sfdc_contact_id,
        sfdc_account_id,
        created_at,
        updated_at
    from leads
)

select * from final
