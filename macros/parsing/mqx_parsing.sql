{#-
    Parsing helpers for staging. Raw columns land as text; these turn them into typed
    values without ever failing the build: what cannot be parsed becomes NULL, and the
    staging model sets the row aside with a reason when that NULL matters.
    Each engine-specific piece sits behind adapter.dispatch (see shared portability rules).
-#}

{#- Text to a type, NULL when it does not parse (dbt.safe_cast is a plain CAST on DuckDB). -#}
{% macro mqx_try_cast(expression, data_type) %}
    {{ return(adapter.dispatch('mqx_try_cast', 'mqx')(expression, data_type)) }}
{% endmacro %}

{% macro default__mqx_try_cast(expression, data_type) %}
    try_cast({{ expression }} as {{ data_type }})
{% endmacro %}


{#- Blank or whitespace-only text becomes NULL; other text is trimmed. -#}
{% macro mqx_clean_text(column) %}
    nullif(trim({{ column }}), '')
{% endmacro %}


{#- A naive UTC timestamp from any variant the contract allows: with or without fractional
    seconds, with or without a trailing ' UTC', ISO 'T' separator or 'Z', and with a UTC
    offset ('+02:00', '-0500', '+02'), which is converted to UTC:
    '2026-03-01T10:00:00+02:00' -> 2026-03-01 08:00:00. Other zone names ('PST') and
    anything else that is not a timestamp give NULL (staging then sets the row aside). -#}
{% macro mqx_parse_timestamp(column) %}
    {{ return(adapter.dispatch('mqx_parse_timestamp', 'mqx')(column)) }}
{% endmacro %}

{#- DuckDB: a plain cast reads ' UTC', 'T' and 'Z' but silently ignores a numeric offset,
    so text with a '+' or '-' after the date part (the first 10 characters) goes through
    a cast to timestamptz and back to UTC instead. The test is a substring search, not a
    regex: this runs on every timestamp of every raw row. -#}
{% macro duckdb__mqx_parse_timestamp(column) %}
    case
        when strpos(substr(trim({{ column }}), 11), '+') > 0
            or strpos(substr(trim({{ column }}), 11), '-') > 0
            then timezone('UTC', try_cast(trim({{ column }}) as timestamptz))
        else try_cast(trim({{ column }}) as {{ dbt.type_timestamp() }})
    end
{% endmacro %}

{#- Other engines: ' UTC' and 'Z' stripped, then a cast. A numeric offset is left to the
    engine's cast (Spark converts it to the session time zone, keep that at UTC). -#}
{% macro default__mqx_parse_timestamp(column) %}
    {{ mqx_try_cast(
        "replace(replace(trim(" ~ column ~ "), ' UTC', ''), 'Z', '')",
        dbt.type_timestamp()
    ) }}
{% endmacro %}


{#- A date from a date or timestamp text. -#}
{% macro mqx_parse_date(column) %}
    cast({{ mqx_parse_timestamp(column) }} as date)
{% endmacro %}


{#- Booleans spelled true/false/TRUE/FALSE/1/0 (and t/f, yes/no); anything else is NULL. -#}
{% macro mqx_parse_boolean(column) %}
    case
        when lower(trim({{ column }})) in ('true', 't', '1', 'yes', 'y') then true
        when lower(trim({{ column }})) in ('false', 'f', '0', 'no', 'n') then false
    end
{% endmacro %}


{#- A number from text; 'n/a', '' and other non-numbers (also 'NaN' and 'Infinity',
    which a cast to double would accept) become NULL. -#}
{% macro mqx_parse_number(column) %}
    {{ mqx_try_cast(mqx_clean_text(column), dbt.type_numeric()) }}
{% endmacro %}


{#- Lowercased email with all whitespace removed; NULL unless it has a local part and a
    dotted domain. -#}
{% macro mqx_clean_email(column) %}
    {{ return(adapter.dispatch('mqx_clean_email', 'mqx')(column)) }}
{% endmacro %}

{% macro default__mqx_clean_email(column) %}
    case
        when regexp_matches(
            lower(regexp_replace({{ column }}, '\s', '', 'g')),
            '^[^@]+@[^@]+\.[^@]+$'
        )
            then lower(regexp_replace({{ column }}, '\s', '', 'g'))
    end
{% endmacro %}


{#- The domain part of an already clean email. -#}
{% macro mqx_email_domain(email_expression) %}
    nullif({{ dbt.split_part(email_expression, "'@'", 2) }}, '')
{% endmacro %}


{#- A bare domain from a website or URL: no scheme, no 'www.', no path, port or query,
    lowercase. 'https://WWW.Acme.com/about?x=1' -> 'acme.com'. -#}
{% macro mqx_clean_domain(column) %}
    {{ return(adapter.dispatch('mqx_clean_domain', 'mqx')(column)) }}
{% endmacro %}

{% macro default__mqx_clean_domain(column) %}
    nullif(
        regexp_replace(
            regexp_replace(
                regexp_replace(lower(trim({{ column }})), '^[a-z]+://', ''),
                '^www\.', ''
            ),
            '[/:?#].*$', ''
        ),
        ''
    )
{% endmacro %}


{#- 'YYYYMMDD' text (as in Bombora's file names) to 'YYYY-MM-DD'; other text unchanged. -#}
{% macro mqx_compact_date(column) %}
    case
        when length(trim({{ column }})) = 8 and trim({{ column }}) not like '%-%'
            then substring(trim({{ column }}), 1, 4) || '-'
            || substring(trim({{ column }}), 5, 2) || '-'
            || substring(trim({{ column }}), 7, 2)
        else {{ column }}
    end
{% endmacro %}


{#- Number of rows for which the condition holds (an aggregate; 0 over no rows). A count,
    not a sum of ones: a 64-bit integer, where DuckDB widens a sum to 128 bits (slower to
    add up, store and read back). -#}
{% macro mqx_count_if(condition) %}
    count(case when {{ condition }} then 1 end)
{% endmacro %}


{#- True when a timestamp lies more than var('mqx_max_future_days') days after today
    (the run's clock): such a record cannot have happened yet, so staging sets it aside. -#}
{% macro mqx_is_in_the_future(timestamp_expression) %}
    cast({{ timestamp_expression }} as date)
    > cast({{ dbt.dateadd('day', var('mqx_max_future_days'), 'current_date') }} as date)
{% endmacro %}


{#- A job title as lowercase words separated by single spaces: punctuation such as
    "VP, Sales & Marketing / EMEA" becomes "vp sales marketing emea". -#}
{% macro mqx_title_words(column) %}
    {{ return(adapter.dispatch('mqx_title_words', 'mqx')(column)) }}
{% endmacro %}

{% macro default__mqx_title_words(column) %}
    trim(regexp_replace(lower(coalesce({{ column }}, '')), '[^a-z0-9]+', ' ', 'g'))
{% endmacro %}


{#- A money amount from text, as a double: NULL for anything that is not a finite number
    ('n/a', '1,000', '$100', 'NaN', 'Infinity'). -#}
{% macro mqx_parse_amount(column) %}
    cast({{ mqx_parse_number(column) }} as double)
{% endmacro %}


{#- A select of the whole numbers 0 .. 10^digits - 1 as column `number`, in portable SQL
    (cross joins of the ten digits), for date spines. -#}
{% macro mqx_whole_numbers(digits) %}
    select
        {% for position in range(digits) -%}
            digits_{{ position }}.digit * {{ 10 ** position }}
            {%- if not loop.last %} + {% endif %}
        {%- endfor %} as number
    from
        {% for position in range(digits) -%}
            (
                select 0 as digit union all select 1 union all select 2 union all select 3
                union all select 4 union all select 5 union all select 6 union all select 7
                union all select 8 union all select 9
            ) as digits_{{ position }}{% if not loop.last %} cross join{% endif %}
        {% endfor %}
{% endmacro %}


{#- Put after `name as` in a CTE read more than once whose rows are cheap to compute again
    but too many to keep: the engine computes it again for each read instead of storing
    its result first (DuckDB stores such a CTE by default; figures where it is used).
    Engines without the keyword (Spark, Snowflake, BigQuery) decide for themselves. -#}
{% macro mqx_not_materialized() -%}
    {%- if target.type in ('duckdb', 'postgres') %}not materialized{% endif -%}
{%- endmacro %}


{#- Each row of `calendar` (a relation with an as_of_date) once for every day of the
    `days` days before it: window_date and its age_days (1 .. days). Rolling windows join
    their events on window_date, an equality (hash) join, instead of on a date range. -#}
{% macro mqx_window_days(calendar, days) %}
    select
        calendar.*,
        cast({{ dbt.dateadd('day', '-1 * days.number', 'calendar.as_of_date') }} as date)
            as window_date,
        days.number as age_days
    from {{ calendar }} as calendar
    cross join ({{ mqx_whole_numbers(days | string | length) }}) as days
    where days.number between 1 and {{ days }}
{% endmacro %}
