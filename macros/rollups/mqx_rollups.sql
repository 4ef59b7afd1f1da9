{#- The text key of a unit-week, unit_type:unit_id:as_of_date (e.g. account:0011:2026-11-02),
    for the views over the weekly tables (tier_history's key): the tables are keyed on the
    three columns and do not store it (at 50,000 accounts a third of writing their ~16 M
    rows). -#}
{% macro mqx_unit_week_id(unit_type='unit_type', unit_id='unit_id', as_of_date='as_of_date') -%}
    {{ unit_type }} || ':' || {{ unit_id }} || ':' || cast({{ as_of_date }} as {{ dbt.type_string() }})
{%- endmacro %}


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


{#- How many batches of units a full refresh of int_unit_signal_features_weekly computes
    in: about `rows_per_batch` rows of `relation` (int_unit_signals) per batch, so each
    batch's aggregates fit in memory (figures: the var in dbt_project.yml). One
    batch when the model is incremental (it computes changed units and new dates only),
    not on DuckDB (other engines build it as a table), or in a unit test. -#}
{% macro mqx_unit_batches(relation, rows_per_batch) %}
    {%- if rows_per_batch < 1 %}
        {{- exceptions.raise_compiler_error(
            'var unit_batch_signals must be a whole number of signals above 0, got '
            ~ var('unit_batch_signals')) }}
    {%- endif %}
    {%- if not execute or this is none or target.type != 'duckdb' or is_incremental() %}
        {{- return(1) }}
    {%- endif %}
    {%- set rows = run_query('select count(*) from ' ~ relation).columns[0].values()[0] %}
    {%- set batches = [1, ((rows + rows_per_batch - 1) // rows_per_batch) | int] | max %}
    {%- if batches > 1 %}
        {%- do log(this.identifier ~ ': ' ~ rows ~ ' rows of ' ~ relation.identifier
            ~ ', computed in ' ~ batches ~ ' batches of units', info=True) %}
    {%- endif %}
    {{- return(batches) }}
{% endmacro %}

{#- The units of batch `batch` of `batches`: a hash of the unit's key. The first batch's
    predicate is in the model's SQL; mqx_insert_unit_batches adds the others. -#}
{% macro mqx_unit_batch_predicate(batches, batch) -%}
    hash(unit_type, unit_id) % {{ batches }} = {{ batch }} /* mqx unit batch */
{%- endmacro %}

{#- Post-hook of a full refresh computed in batches (mqx_unit_batches): the model's table
    holds the first batch; insert the others, each with the model's own SQL for that
    batch's units. Nothing when the SQL has no batch predicate (one batch). -#}
{% macro mqx_insert_unit_batches() %}
    {%- if not execute %}{{ return('') }}{% endif %}
    {#- the first batch's predicate, whatever the number of batches -#}
    {%- set pattern = modules.re.escape(mqx_unit_batch_predicate('BATCHES', 0))
        .replace('BATCHES', '([0-9]+)') %}
    {%- set found = modules.re.findall(pattern, model.compiled_code) %}
    {%- if found | length > 1 %}
        {{- exceptions.raise_compiler_error(
            this ~ ': the batch predicate occurs ' ~ (found | length) ~ ' times in the SQL') }}
    {%- endif %}
    {%- set batches = (found[0] | int) if found else 1 %}
    {%- set first = mqx_unit_batch_predicate(batches, 0) %}
    {%- for batch in range(1, batches) %}
        {%- do log(this.identifier ~ ': batch ' ~ (batch + 1) ~ ' of ' ~ batches, info=True) %}
        {%- call statement('unit_batch') %}
            insert into {{ this }}
            {{ model.compiled_code.replace(first, mqx_unit_batch_predicate(batches, batch)) }}
        {%- endcall %}
    {%- endfor %}
{% endmacro %}


{#- The hooks of int_unit_signal_features_weekly on an incremental run, in order:
    fingerprint  (pre-hook) each unit's signal fingerprint now, as of the cutoff of the
                 stored rows (the last weekly date stored) and of the new one (the last
                 weekly date of the calendar), in a temporary table;
    forget       delete the rows whose fingerprint is neither: rows of units whose
                 signals changed (the run stored their rows again, with the new one), of
                 units with no signal left; and the rows of dates that left the calendar
                 (an old run date, a week out of the history);
    refingerprint  give the rows kept the fingerprint as of the new cutoff (only when
                 a new weekly date moved it), so all rows of a unit carry the same one;
    clean_up     drop the temporary table.
    Nothing on a full build: every row is computed with the current fingerprint. -#}
{% macro mqx_signal_features_hook(step) %}
    {%- if is_incremental() %}
        {%- set fingerprints = 'mqx_signal_features_fingerprints' %}
        {%- if step == 'fingerprint' %}
            create or replace temporary table {{ fingerprints }} as
            select
                unit_signals.unit_type,
                unit_signals.unit_id,
                {{ mqx_signals_fingerprint('cutoffs.stored_cutoff') }} as stored_cutoff_fingerprint,
                {{ mqx_signals_fingerprint('cutoffs.new_cutoff') }} as new_cutoff_fingerprint
            from {{ ref('int_unit_signals') }} as unit_signals
            cross join (
                select
                    (
                        select max(as_of_date) from {{ this }} where not is_run_date
                    ) as stored_cutoff,
                    (
                        select max(as_of_date)
                        from {{ ref('int_run_calendar') }}
                        where not is_run_date
                    ) as new_cutoff
            ) as cutoffs
            group by
                unit_signals.unit_type,
                unit_signals.unit_id,
                cutoffs.stored_cutoff,
                cutoffs.new_cutoff
        {%- elif step == 'forget' %}
            delete from {{ this }} as stored
            where not exists (
                select 1
                from {{ ref('int_run_calendar') }} as calendar
                where calendar.as_of_date = stored.as_of_date
                    and calendar.is_run_date = stored.is_run_date
            )
            or not exists (
                select 1
                from {{ fingerprints }} as current_units
                where current_units.unit_type = stored.unit_type
                    and current_units.unit_id = stored.unit_id
                    and stored.signals_fingerprint in (
                        current_units.stored_cutoff_fingerprint,
                        current_units.new_cutoff_fingerprint
                    )
            )
        {%- elif step == 'refingerprint' %}
            update {{ this }} as stored
            set signals_fingerprint = current_units.new_cutoff_fingerprint
            from {{ fingerprints }} as current_units
            where current_units.unit_type = stored.unit_type
                and current_units.unit_id = stored.unit_id
                and current_units.stored_cutoff_fingerprint != current_units.new_cutoff_fingerprint
                and stored.signals_fingerprint = current_units.stored_cutoff_fingerprint
        {%- elif step == 'clean_up' %}
            drop table if exists {{ fingerprints }}
        {%- endif %}
    {%- endif %}
{% endmacro %}


{#- Decayed weights are summed as whole nanopoints (a weight x 10^9, rounded): integer sums
    are exact whatever order threads add them in, so a unit's features do not depend on
    what else is computed with it (int_unit_signal_features_weekly: an incremental run
    equals a full refresh). At 50,000 accounts, cheaper than exact decimal(18, 9) sums. -#}
{% macro mqx_nanopoints(expression) -%}
    cast(round(({{ expression }}) * 1000000000) as {{ dbt.type_bigint() }})
{%- endmacro %}

{#- A sum of nanopoints (mqx_nanopoints) back in points, as a double. -#}
{% macro mqx_from_nanopoints(expression) -%}
    cast({{ expression }} as double) / 1000000000
{%- endmacro %}
