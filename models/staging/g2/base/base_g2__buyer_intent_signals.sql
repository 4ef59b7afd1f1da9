-- Every raw G2 Buyer Intent row, parsed, with its outcome. G2 rows have no id: the
-- natural key is (day, domain, signal type, products); a re-exported day lands the same
-- key again and the last one read wins.
{{ config(
    materialized=mqx_event_materialization(),
    unique_key='_mqx_row_number',
    on_schema_change='fail',
) }}

with

source as (
    select * from {{ source('g2', 'buyer_intent') }}
    {{ mqx_only_new_files() }}
),

parsed as (
    select
        {{ mqx_clean_domain('company_domain') }} as company_domain,
        {{ mqx_clean_text('company_id') }} as g2_company_id,
        {{ mqx_clean_text('company_name') }} as company_name,
        {{ mqx_clean_text('company_country') }} as company_country,
        {{ mqx_clean_text('company_industry') }} as company_industry,
        lower({{ mqx_clean_text('signal_type') }}) as signal_type,
        {{ mqx_clean_text('product_name') }} as product_name,
        {{ mqx_clean_text('category_name') }} as category_name,
        {{ mqx_clean_text('left_product_name') }} as left_product_name,
        {{ mqx_clean_text('right_product_name') }} as right_product_name,
        {{ mqx_try_cast(mqx_parse_number('company_employees'), 'integer') }}
            as company_employees,
        {{ mqx_try_cast(mqx_parse_number('visitor_count'), 'integer') }} as visitor_count,
        {{ mqx_try_cast(mqx_parse_number('total_activity'), 'integer') }} as total_activity,
        {{ mqx_parse_number('company_intent_score') }} as company_intent_score,
        {{ mqx_parse_date('day') }} as signal_date,
        day as raw_day,
        {{ mqx_landing_lineage() }}
    from source
),

keyed as (
    select
        *,
        case
            when company_domain is not null and signal_type is not null
                and signal_date is not null
                then cast(signal_date as {{ dbt.type_string() }})
                    || '|' || company_domain || '|' || signal_type
                    || '|' || coalesce(product_name, '')
                    || '|' || coalesce(category_name, '')
                    || '|' || coalesce(left_product_name, '')
                    || '|' || coalesce(right_product_name, '')
        end as g2_signal_id,
        coalesce(raw_day, '') || '|' || coalesce(company_domain, '')
        || '|' || coalesce(signal_type, '') as raw_id
    from parsed
),

checked as (
    select
        *,
        case
            when company_domain is null then 'missing company_domain'
            when signal_type is null then 'missing signal_type'
            when signal_date is null then 'unparseable day: ' || coalesce(raw_day, 'NULL')
        end as set_aside_reason
    from keyed
),

final as (
    {{ mqx_resolve_rows('checked', 'g2_signal_id') }}
)

select * from final
