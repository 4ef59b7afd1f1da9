with

identifies as (
    select * from {{ ref('base_segment__identifies') }}
    where row_outcome = 'staged'
),

final as (
    select
        identify_id,
        anonymous_id,
        user_id,
        email,
        email_domain,
        identified_at
    from identifies
)

select * from final
