with

form_fills as (
    select * from {{ ref('base_marketo__form_fills') }}
    where row_outcome = 'staged'
),

final as (
    select
        form_fill_id,
        marketo_lead_id,
        form_name,
        webform_id,
        referrer_url,
        client_ip_address,
        user_agent,
        filled_at
    from form_fills
)

select * from final
