{#-
    The body of a tier table (hand_raisers, mqx, mex): the tier_assignments rows of one
    tier for the configured unit type (var mqx_unit: lead, account or buying_group).
-#}
{% macro mqx_tier_table(tier) %}
with

assignments as (
    select * from {{ ref('tier_assignments') }}
),

final as (
    select *
    from assignments
    where tier = '{{ tier }}' and unit_type = '{{ var("mqx_unit") }}'
)

select * from final
{% endmacro %}
