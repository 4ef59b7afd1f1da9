with

email_sends as (
    select * from {{ ref('base_marketo__email_sends') }}
    where row_outcome = 'staged'
),

final as (
    select
        email_send_id,
        marketo_lead_id,
        campaign_id,
        email_template_id,
        sent_at
    from email_sends
)

select * from final
