with

ip_companies as (
    select * from {{ ref('base_segment__ip_companies') }}
    where row_outcome = 'staged'
),

final as (
    select
        ip,
        company_domain,
        company_name,
        confidence
    from ip_companies
)

select * from final
