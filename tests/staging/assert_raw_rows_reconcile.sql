-- Nothing is lost between the raw tables and staging. For every source table:
--   raw rows = rows the base model classified
--            = staged + set aside + deleted + duplicate re-syncs, and
--   staged   = rows in the stg_ model (+ bot activity it removed, kept in its audit).
-- Returns the source tables that do not reconcile.
with

reconciliation as (
    select * from {{ ref('stg_audit__row_reconciliation') }}
),

counted as (
    {% for base in mqx_base_models() %}
        select
            '{{ base.source }}.{{ base.table }}' as source_table_id,
            (select count(*) from {{ source(base.source, base.table) }}) as raw_rows,
            (select count(*) from {{ ref(base.stg) }})
            {% if base.bots %}
                + (
                    select count(*) from {{ ref(base.bots) }}
                    where {{ base.bots_where }}
                )
            {% endif %} as stg_and_bot_rows
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select
    counted.source_table_id,
    counted.raw_rows,
    counted.stg_and_bot_rows,
    reconciliation.raw_rows as classified_rows,
    reconciliation.staged_rows,
    reconciliation.set_aside_rows,
    reconciliation.deleted_rows,
    reconciliation.duplicate_rows
from counted
left join reconciliation
    on counted.source_table_id = reconciliation.source_table_id
where
    reconciliation.raw_rows is null
    or counted.raw_rows != reconciliation.raw_rows
    or counted.raw_rows != reconciliation.staged_rows + reconciliation.set_aside_rows
    + reconciliation.deleted_rows + reconciliation.duplicate_rows
    or counted.stg_and_bot_rows != reconciliation.staged_rows
