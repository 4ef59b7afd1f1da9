-- Every raw reverse-IP enrichment row, parsed, with its outcome. An IP listed more than
-- once keeps the row with the highest confidence, then the last one read; the others are
-- 'duplicate'. stg_segment__ip_companies keeps the staged rows.
with

source as (
    select * from {{ source('segment', 'ip_companies') }}
),

parsed as (
    select
        lower({{ mqx_clean_text('ip') }}) as ip,
        {{ mqx_clean_domain('domain') }} as company_domain,
        {{ mqx_clean_text('company_name') }} as company_name,
        {{ mqx_parse_number('confidence') }} as confidence,
        ip as raw_id,
        domain as raw_domain,
        {{ mqx_clean_text('confidence') }} as raw_confidence,
        {{ mqx_landing_lineage() }}
    from source
),

checked as (
    select
        *,
        case
            when ip is null then 'missing ip'
            when company_domain is null
                then 'missing domain: ' || coalesce(raw_domain, 'NULL')
            when raw_confidence is not null and confidence is null
                then 'confidence is not a number: ' || raw_confidence
        end as set_aside_reason
    from parsed
),

final as (
    {{ mqx_resolve_rows('checked', 'ip', synced_column='confidence') }}
)

select * from final
