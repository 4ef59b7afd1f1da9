with

signals as (
    select * from {{ ref('base_g2__buyer_intent_signals') }}
    where row_outcome = 'staged'
),

final as (
    select
        g2_signal_id,
        company_domain,
        g2_company_id,
        company_name,
        company_country,
        company_industry,
        signal_type,
        product_name,
        category_name,
        left_product_name,
        right_product_name,
        company_employees,
        visitor_count,
        total_activity,
        company_intent_score,
        signal_date
    from signals
)

select * from final
