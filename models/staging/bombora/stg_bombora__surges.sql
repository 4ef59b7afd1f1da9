with

surges as (
    select * from {{ ref('base_bombora__surges') }}
    where row_outcome = 'staged'
),

final as (
    select
        surge_id,
        company_domain,
        company_name,
        company_size,
        industry,
        category,
        topic,
        metro_area,
        domain_origin,
        bucket_code,
        composite_score,
        week_start_date
    from surges
)

select * from final
