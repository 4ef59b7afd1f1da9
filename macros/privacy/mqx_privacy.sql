{#- Privacy helpers: a salted, portable hash of a normalised email (person_key), the
    salt it uses, and the switch that lets personal data into marts.people. -#}


{#- The hex SHA-256 of a text expression, lowercase, the same 64 characters on every
    warehouse (NULL in, NULL out). -#}
{% macro mqx_sha256(expression) %}
    {{ return(adapter.dispatch('mqx_sha256', 'mqx')(expression)) }}
{% endmacro %}

{% macro default__mqx_sha256(expression) %}
    sha256({{ expression }})
{% endmacro %}

{% macro postgres__mqx_sha256(expression) %}
    encode(sha256(convert_to({{ expression }}, 'UTF8')), 'hex')
{% endmacro %}

{% macro snowflake__mqx_sha256(expression) %}
    sha2({{ expression }}, 256)
{% endmacro %}

{% macro spark__mqx_sha256(expression) %}
    sha2({{ expression }}, 256)
{% endmacro %}

{% macro databricks__mqx_sha256(expression) %}
    sha2({{ expression }}, 256)
{% endmacro %}

{% macro bigquery__mqx_sha256(expression) %}
    to_hex(sha256({{ expression }}))
{% endmacro %}


{#- The salt of person_key: var person_key_salt (by default env var MQX_PERSON_KEY_SALT).
    Unset on the duckdb target (the demo): a fixed, public demo salt and a warning. Unset
    on any other target: the build stops, because a key with a public salt can be
    reversed by hashing a list of known emails. -#}
{% macro mqx_person_key_salt() %}
    {#- while dbt parses (and under sqlfluff) the SQL is never run: no salt needed -#}
    {%- if not execute -%}
        {{- return('mqx-demo-salt-not-secret') -}}
    {%- endif -%}
    {%- set salt = var('person_key_salt', '') | string | trim -%}
    {%- if salt in ('', 'None', 'none') -%}
        {%- if target.type != 'duckdb' -%}
            {{ exceptions.raise_compiler_error(
                "var person_key_salt is empty on target '" ~ target.name ~ "' ("
                ~ target.type ~ "): set env var MQX_PERSON_KEY_SALT (or --vars "
                ~ "'{person_key_salt: ...}') to a long random secret before building; "
                ~ "person_key in marts.people is salted with it."
            ) }}
        {%- endif -%}
        {%- do exceptions.warn(
            "mqx: env var MQX_PERSON_KEY_SALT is not set, so person_key in marts.people "
            ~ "uses the public demo salt and can be reversed from a list of emails. "
            ~ "Production must set MQX_PERSON_KEY_SALT to a long random secret."
        ) -%}
        {{- return('mqx-demo-salt-not-secret') -}}
    {%- endif -%}
    {{- return(salt) -}}
{% endmacro %}


{#- person_key: sha256(salt || lower(trim(email))), NULL when there is no email. -#}
{% macro mqx_person_key(email_expression) %}
    case
        when {{ email_expression }} is not null
            then {{ mqx_sha256(
                "'" ~ dbt.escape_single_quotes(mqx_person_key_salt())
                ~ "' || lower(trim(" ~ email_expression ~ "))"
            ) }}
    end
{% endmacro %}


{#- A personal value (marts.people's email and names, a meeting's subject): the value
    when var mqx_expose_personal_data is true, else a typed NULL (the column stays, so the
    mart keeps one contract). -#}
{% macro mqx_personal_data(expression) %}
    {%- if var('mqx_expose_personal_data', false) | string | lower in ('true', '1', 'yes') -%}
        {{ expression }}
    {%- else -%}
        cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{% endmacro %}
