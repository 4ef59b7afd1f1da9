{#- The value of `column` `offset` rows back along `order_by` within `partition_by` (the
    row itself when offset is 0): a weekly rollup reads the unit's earlier weeks by lag. -#}
{% macro mqx_lag(column, offset, partition_by, order_by) %}
    {%- if offset == 0 -%}
        {{ column }}
    {%- else -%}
        lag({{ column }}, {{ offset }}) over (partition by {{ partition_by }} order by {{ order_by }})
    {%- endif -%}
{% endmacro %}


{#- A fingerprint of a unit's signals dated before `cutoff` (an aggregate over the rows of
    int_unit_signals of one unit): it changes when any of them is added, removed or
    changed in a column the features read. int_unit_signal_features_weekly stores it on
    each row to find the units to compute again on an incremental run (DuckDB only:
    other engines build that model as a table, and store NULL). -#}
{% macro mqx_signals_fingerprint(cutoff) %}
    {{- return(adapter.dispatch('mqx_signals_fingerprint')(cutoff)) -}}
{% endmacro %}

{% macro default__mqx_signals_fingerprint(cutoff) -%}
    cast(null as {{ dbt.type_bigint() }})
{%- endmacro %}

{% macro duckdb__mqx_signals_fingerprint(cutoff) -%}
    hash(
        count(case when signal_date < {{ cutoff }} then 1 end),
        bit_xor(case when signal_date < {{ cutoff }} then hash(
            signal_id, account_id, person_id, signal_source, signal_type, signal_class,
            persona, detail, weight, half_life_days, signal_date
        ) end)
    )
{%- endmacro %}


{#- The post-hook of int_unit_signal_features_weekly on an incremental run: forget the
    weekly rows of units whose signals before the last weekly date are no longer those
    the rows were computed from (the run stored the ones still there again, with the
    new fingerprint), and the rows of dates no longer in the calendar (an old run date,
    a week out of the history). -#}
{% macro mqx_forget_stale_signal_features() %}
    {%- if is_incremental() %}
        delete from {{ this }} as stored
        where not exists (
            select 1
            from {{ ref('int_run_calendar') }} as calendar
            where calendar.as_of_date = stored.as_of_date
                and calendar.is_run_date = stored.is_run_date
        )
        or (not stored.is_run_date and not exists (
            select 1
            from (
                select
                    unit_signals.unit_type,
                    unit_signals.unit_id,
                    {{ mqx_signals_fingerprint('weekly.last_as_of_date') }} as signals_fingerprint
                from {{ ref('int_unit_signals') }} as unit_signals
                cross join (
                    select max(as_of_date) as last_as_of_date
                    from {{ ref('int_run_calendar') }}
                    where not is_run_date
                ) as weekly
                group by unit_signals.unit_type, unit_signals.unit_id, weekly.last_as_of_date
            ) as current_units
            where current_units.unit_type = stored.unit_type
                and current_units.unit_id = stored.unit_id
                and current_units.signals_fingerprint = stored.signals_fingerprint
        ))
    {%- endif %}
{% endmacro %}
