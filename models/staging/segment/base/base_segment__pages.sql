-- Every raw Segment page view, parsed, with its outcome (staged / set aside / duplicate
-- delivery). Segment delivers at least once, so an id can land twice: the copy received
-- last wins. Staged rows still include crawler views: stg_segment__bot_page_views lists
-- them and stg_segment__pages keeps the rest.
-- Scheduled after the Marketo bot verdicts, which it does not read: the two largest
-- staging statements side by side on 2 threads shared DuckDB's memory and both spilled
-- (at 200,000 accounts 281 s for both, against 61 + 82 s alone; README "Performance").
-- depends_on: {{ ref('base_marketo__email_bot_verdicts') }}
{{ config(
    materialized=mqx_event_materialization(),
    unique_key='_mqx_row_number',
    on_schema_change='fail',
) }}

with

source as (
    select * from {{ source('segment', 'pages') }}
    {{ mqx_only_new_files() }}
),

parsed as (
    select
        {{ mqx_clean_text('id') }} as page_view_id,
        {{ mqx_clean_text('anonymous_id') }} as anonymous_id,
        {{ mqx_clean_text('user_id') }} as user_id,
        lower({{ mqx_clean_text('context_ip') }}) as context_ip,
        {{ mqx_clean_text('url') }} as url,
        {{ mqx_clean_text('path') }} as raw_path,
        {{ mqx_clean_text('title') }} as page_title,
        {{ mqx_clean_text('referrer') }} as referrer,
        {{ mqx_clean_text('context_user_agent') }} as user_agent,
        {{ mqx_parse_timestamp('timestamp') }} as viewed_at,
        {{ mqx_parse_timestamp('received_at') }} as received_at,
        id as raw_id,
        timestamp as raw_timestamp,
        {{ mqx_landing_lineage() }}
    from source
),

-- The path without query string or fragment, from path, else from the url (everything
-- from the first '/' after the host).
path_source as (
    select
        *,
        {{ dbt.split_part(dbt.split_part('url', "'#'", 1), "'?'", 1) }} as url_no_query,
        {{ dbt.split_part(dbt.split_part('raw_path', "'#'", 1), "'?'", 1) }}
            as path_no_query
    from parsed
),

url_schemes as (
    select
        *,
        {{ dbt.position("'://'", 'url_no_query') }} as url_scheme_end
    from path_source
),

url_hosts as (
    select
        *,
        case
            when url_scheme_end > 0 then substring(url_no_query, url_scheme_end + 3)
            else url_no_query
        end as url_after_scheme
    from url_schemes
),

url_paths as (
    select
        *,
        {{ dbt.position("'/'", 'url_after_scheme') }} as url_path_start
    from url_hosts
),

paths as (
    select
        *,
        lower(coalesce(
            nullif(trim(path_no_query), ''),
            case
                when url_path_start > 0 then substring(url_after_scheme, url_path_start)
                when url_after_scheme != '' then '/'
            end
        )) as full_path
    from url_paths
),

-- A trailing '/' is dropped ('/pricing/' is '/pricing'), except for the home page '/'.
normalised as (
    select
        *,
        case
            when {{ dbt.length('full_path') }} > 1
                and {{ dbt.right('full_path', '1') }} = '/'
                then substring(full_path, 1, {{ dbt.length('full_path') }} - 1)
            else full_path
        end as page_path
    from paths
),

-- The URL helpers above stay out of the stored table (18 columns, not 24): it is the
-- largest staging table (6.5 M rows at 50,000 accounts), and writing it is its cost.
checked as (
    select
        page_view_id,
        anonymous_id,
        user_id,
        context_ip,
        url,
        raw_path,
        page_title,
        referrer,
        user_agent,
        viewed_at,
        received_at,
        raw_id,
        raw_timestamp,
        _mqx_file,
        _mqx_row_number,
        page_path,
        case
            when page_view_id is null then 'missing id'
            when viewed_at is null
                then 'unparseable timestamp: ' || coalesce(raw_timestamp, 'NULL')
        end as set_aside_reason
    from normalised
),

final as (
    {{ mqx_resolve_rows('checked', 'page_view_id', synced_column='received_at') }}
)

select * from final
