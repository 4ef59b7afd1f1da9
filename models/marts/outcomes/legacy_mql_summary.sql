-- The legacy MQL audit in one table: how many people the points model calls MQL and
-- what mqx makes of them, two ways.
--   run_date_category    legacy MQLs on the run date by legacy_category (tier today);
--   tier_at_first_mql    people who ever crossed the threshold in the weekly history,
--                        by the tier their lead unit held that day, with how many of
--                        those whose 90-day window has elapsed had a New Business
--                        opportunity on their account.
with

audit as (
    select * from {{ ref('legacy_mql_audit') }}
),

grouped as (
    select
        'run_date_category' as view_name,
        legacy_category as group_value,
        count(*) as people,
        sum(noise_points) / nullif(cast(sum(legacy_points) as double), 0) as noise_share,
        cast(null as {{ dbt.type_int() }}) as people_window_complete,
        cast(null as {{ dbt.type_int() }}) as people_converted
    from audit
    where is_legacy_mql
    group by legacy_category

    union all

    select
        'tier_at_first_mql' as view_name,
        tier_at_first_legacy_mql as group_value,
        count(*) as people,
        cast(null as double) as noise_share,
        count(case when is_conversion_window_complete then 1 end) as people_window_complete,
        count(
            case when is_conversion_window_complete and has_opportunity_within_90d then 1 end
        ) as people_converted
    from audit
    where first_legacy_mql_date is not null
    group by tier_at_first_legacy_mql
),

final as (
    select
        view_name || ':' || group_value as legacy_mql_summary_id,
        view_name,
        group_value,
        people,
        noise_share,
        people_window_complete,
        people_converted,
        people_converted / nullif(cast(people_window_complete as double), 0)
            as conversion_rate
    from grouped
)

select * from final
