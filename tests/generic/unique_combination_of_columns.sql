{#-
    Generic test for a key made of several columns (used where a model has no single
    primary-key column, e.g. int_propensity_coefficients on unit_type + feature_name).
    Fails with every combination of the listed columns that occurs on more than one row.
    NULLs compare equal here (they fall into one group), so pair the test with not_null
    on the key columns that must always be filled.
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    {%- set key_columns = combination_of_columns | join(', ') %}
    with

    key_counts as (
        select
            {{ key_columns }},
            count(*) as rows_with_key
        from {{ model }}
        group by {{ key_columns }}
    )

    select *
    from key_counts
    where rows_with_key > 1
{% endtest %}
