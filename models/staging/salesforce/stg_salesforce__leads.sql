with

leads as (
    select * from {{ ref('base_salesforce__leads') }}
    where row_outcome = 'staged'
),

final as (
    select
        lead_id,
        converted_account_id,
        converted_contact_id,
        converted_opportunity_id,
        email,
        email_domain,
        first_name,
        last_name,
        title,
        company_name,
        company_domain,
        industry,
        country,
        lead_status,
        lead_status_raw,
        lead_source,
        rejection_reason,
        number_of_employees,
        is_converted,
        converted_date,
        created_at,
        fivetran_synced_at
    from leads
)

select * from final
