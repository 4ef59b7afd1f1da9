-- Every raw Bombora surge row, parsed, with its outcome. A week re-delivered in a
-- second file lands the same (week, domain, topic) again: the last one read wins.
{{ config(
    materialized=mqx_event_materialization(),
    unique_key='_mqx_row_number',
    on_schema_change='fail',
) }}

with

source as (
    select * from {{ source('bombora', 'surge') }}
    {{ mqx_only_new_files() }}
),

parsed as (
    select
        {{ mqx_clean_text('company') }} as company_name,
        {{ mqx_clean_domain('domain') }} as company_domain,
        {{ mqx_clean_text('size') }} as company_size,
        {{ mqx_clean_text('industry') }} as industry,
        {{ mqx_clean_text('category') }} as category,
        {{ mqx_clean_text('topic') }} as topic,
        {{ mqx_clean_text('metro_area') }} as metro_area,
        {{ mqx_clean_text('domain_origin') }} as domain_origin,
        {{ mqx_clean_text('bucket_code') }} as bucket_code,
        {{ mqx_try_cast(mqx_parse_number('composite_score'), 'integer') }}
            as composite_score,
        {{ mqx_parse_date(mqx_compact_date('week_start_date')) }} as week_start_date,
        composite_score as raw_composite_score,
        week_start_date as raw_week_start_date,
        {{ mqx_landing_lineage() }}
    from source
),

keyed as (
    select
        *,
        case
            when company_domain is not null and topic is not null
                and week_start_date is not null
                then cast(week_start_date as {{ dbt.type_string() }})
                    || '|' || company_domain || '|' || lower(topic)
        end as surge_id,
        coalesce(company_domain, '') || '|' || coalesce(topic, '') as raw_id
    from parsed
),

checked as (
    select
        *,
        case
            when company_domain is null then 'missing domain'
            when topic is null then 'missing topic'
            when week_start_date is null
                then 'no week date (file name or week_start_date): '
                    || coalesce(raw_week_start_date, coalesce(_mqx_file, 'NULL'))
            when composite_score is null
                then 'unparseable composite_score: '
                    || coalesce(raw_composite_score, 'NULL')
            when composite_score < 0 or composite_score > 100
                then 'composite_score outside 0-100: ' || raw_composite_score
        end as set_aside_reason
    from keyed
),

final as (
    {{ mqx_resolve_rows('checked', 'surge_id') }}
)

select * from final
