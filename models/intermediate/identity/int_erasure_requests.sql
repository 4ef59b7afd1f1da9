-- The erasure requests of seed erasure_requests, cleaned and numbered: the email
-- normalised the way staging normalises every email (trimmed, lowercased), blank ids
-- as NULL, and named_by saying what the request names (NULL when it names nothing
-- usable, which a test stops the build for). request_number orders the requests by
-- date and is how int_erasure_requests_applied reports them without their content.
with

requests as (
    select
        requested_at,
        email,
        contact_id,
        lead_id,
        marketo_lead_id,
        reason
    from {{ ref('erasure_requests') }}
),

cleaned as (
    select
        cast(requested_at as date) as requested_at,
        {{ mqx_clean_email('cast(email as ' ~ dbt.type_string() ~ ')') }} as email,
        nullif(trim(cast(contact_id as {{ dbt.type_string() }})), '') as contact_id,
        nullif(trim(cast(lead_id as {{ dbt.type_string() }})), '') as lead_id,
        nullif(trim(cast(marketo_lead_id as {{ dbt.type_string() }})), '') as marketo_lead_id,
        nullif(trim(cast(reason as {{ dbt.type_string() }})), '') as reason
    from requests
),

final as (
    select
        row_number() over (
            order by
                requested_at asc nulls last,
                email asc nulls last,
                contact_id asc nulls last,
                lead_id asc nulls last,
                marketo_lead_id asc nulls last,
                reason asc nulls last
        ) as request_number,
        email,
        contact_id,
        lead_id,
        marketo_lead_id,
        reason,
        nullif(
            trim(
                case when email is not null then 'email ' else '' end
                || case when contact_id is not null then 'contact_id ' else '' end
                || case when lead_id is not null then 'lead_id ' else '' end
                || case when marketo_lead_id is not null then 'marketo_lead_id' else '' end
            ),
            ''
        ) as named_by,
        requested_at
    from cleaned
)

select * from final
