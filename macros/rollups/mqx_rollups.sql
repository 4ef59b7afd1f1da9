{#- The value of `column` `offset` rows back along `order_by` within `partition_by` (the
    row itself when offset is 0): a weekly rollup reads the unit's earlier weeks by lag. -#}
{% macro mqx_lag(column, offset, partition_by, order_by) %}
    {%- if offset == 0 -%}
        {{ column }}
    {%- else -%}
        lag({{ column }}, {{ offset }}) over (partition by {{ partition_by }} order by {{ order_by }})
    {%- endif -%}
{% endmacro %}
