"""Measure staging's bot filter against a generated world's truth.

Staging removes machine-made email opens and clicks (stg_marketo__email_bot_activities)
and crawler page views (stg_segment__bot_page_views). A generated world knows which
activities really were machine-made (``<truth>/email_activities.parquet`` and
``<truth>/page_views.parquet``). This module compares the two: the share of machine
activity removed (target >= 99%) and the share of human activity wrongly removed
(target <= 1%), per rule and per kind of machine.

Usage, after ``dbt build`` on the world's raw root::

    PYTHONPATH=python python -m mqx.bot_eval --duckdb <file.duckdb> --truth <truth dir>
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import duckdb

EMAIL_RULES = [
    "vendor_flag",
    "bot_user_agent",
    "same_email_burst",
    "soon_after_delivery",
    "all_links_at_once",
    "click_without_open",
]
WEB_RULES = ["bot_user_agent", "missing_user_agent"]
TARGET_MACHINE_REMOVED = 0.99
TARGET_HUMAN_REMOVED = 0.01
ACTIVITY_TYPES = {"activity_open_email": "open", "activity_click_email": "click"}


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 6) if whole else None


def _email_judged(con: duckdb.DuckDBPyConnection, schema: str, truth: Path) -> None:
    """One row per truth email activity: what staging did with it."""
    con.execute(f"""
        create or replace temp table email_judged as
        with
        truth as (
            select
                case source_table
                    when 'activity_open_email' then 'open'
                    when 'activity_click_email' then 'click'
                end as activity_type,
                cast(activity_id as varchar) as activity_id,
                is_machine,
                coalesce(machine_kind, 'human') as machine_kind
            from read_parquet('{truth / "email_activities.parquet"}')
        ),
        kept as (
            select 'open' as activity_type, cast(email_open_id as varchar) as activity_id
            from {schema}.stg_marketo__email_opens
            union all
            select 'click', cast(email_click_id as varchar)
            from {schema}.stg_marketo__email_clicks
        ),
        removed as (
            select
                activity_type,
                cast(email_activity_id as varchar) as activity_id,
                bot_rule,
                ',' || coalesce(bot_rules_fired, bot_rule) || ',' as rules_fired
            from {schema}.stg_marketo__email_bot_activities
        )
        select
            truth.*,
            case
                when removed.activity_id is not null then 'removed'
                when kept.activity_id is not null then 'kept'
                else 'unjudged'
            end as outcome,
            removed.bot_rule,
            removed.rules_fired
        from truth
        left join removed
            on truth.activity_type = removed.activity_type
            and truth.activity_id = removed.activity_id
        left join kept
            on truth.activity_type = kept.activity_type
            and truth.activity_id = kept.activity_id
    """)


def _web_judged(con: duckdb.DuckDBPyConnection, schema: str, truth: Path) -> None:
    con.execute(f"""
        create or replace temp table web_judged as
        with
        truth as (
            select
                cast(page_id as varchar) as page_id,
                is_bot,
                coalesce(bot_kind, 'human') as bot_kind
            from read_parquet('{truth / "page_views.parquet"}')
        ),
        kept as (
            select distinct cast(page_view_id as varchar) as page_id
            from {schema}.stg_segment__pages
        ),
        removed as (
            select cast(page_view_id as varchar) as page_id, bot_rule
            from {schema}.stg_segment__bot_page_views
        )
        select
            truth.*,
            case
                when removed.page_id is not null then 'removed'
                when kept.page_id is not null then 'kept'
                else 'unjudged'
            end as outcome,
            removed.bot_rule,
            ',' || removed.bot_rule || ',' as rules_fired
        from truth
        left join removed on truth.page_id = removed.page_id
        left join kept on truth.page_id = kept.page_id
    """)


def _summary(
    con: duckdb.DuckDBPyConnection, table: str, flag: str, kind: str, rules: list[str]
) -> dict[str, Any]:
    """Removal shares for machine (flag true) and human rows, per rule and per kind."""

    def counts(where: str) -> dict[str, Any]:
        total, removed = con.execute(
            f"select count(*), count(*) filter (where outcome = 'removed') "
            f"from {table} where outcome != 'unjudged' and {where}"
        ).fetchone()
        return {"total": total, "removed": removed, "removed_share": _share(removed, total)}

    machine = counts(f"{flag}")
    human = counts(f"not {flag}")
    unjudged = con.execute(f"select count(*) from {table} where outcome = 'unjudged'").fetchone()[0]

    by_rule: dict[str, Any] = {}
    for rule in rules:
        row = con.execute(
            f"""select
                count(*) filter (where {flag} and rules_fired like '%,{rule},%'),
                count(*) filter (where not {flag} and rules_fired like '%,{rule},%'),
                count(*) filter (where {flag} and bot_rule = '{rule}'),
                count(*) filter (where not {flag} and bot_rule = '{rule}')
            from {table} where outcome != 'unjudged'"""
        ).fetchone()
        by_rule[rule] = {
            "machine_fired": row[0],
            "machine_fired_share": _share(row[0], machine["total"]),
            "human_fired": row[1],
            "human_fired_share": _share(row[1], human["total"]),
            "machine_first_rule": row[2],
            "human_first_rule": row[3],
        }

    by_kind: dict[str, Any] = {}
    kinds = con.execute(
        f"select distinct {kind} from {table} where outcome != 'unjudged' order by 1"
    ).fetchall()
    for (name,) in kinds:
        entry = counts(f"{kind} = '{name}'")
        first = con.execute(
            f"select coalesce(bot_rule, 'kept'), count(*) from {table} "
            f"where outcome != 'unjudged' and {kind} = '{name}' group by 1 order by 1"
        ).fetchall()
        entry["by_first_rule"] = dict(first)
        by_kind[name] = entry

    return {
        "machine": machine,
        "human": human,
        "unjudged": unjudged,
        "by_rule": by_rule,
        "by_kind": by_kind,
    }


def measure_bot_filter(
    duckdb_path: str | Path, truth_dir: str | Path, schema: str = "staging"
) -> dict[str, Any]:
    """Compare staging's bot removal in ``duckdb_path`` with the world's truth.

    Reads the staging interface (stg_marketo__email_opens/_clicks/_bot_activities,
    stg_segment__pages/_bot_page_views) in ``schema``, and ``email_activities.parquet``
    and ``page_views.parquet`` from ``truth_dir``. Truth rows staging did not judge (set
    aside as bad rows) are counted as ``unjudged`` and left out of the shares.

    Returns ``{"email": ..., "web": ..., "targets": ..., "meets_targets": bool}``, where
    email and web each hold ``machine`` and ``human`` (total, removed, removed_share),
    ``unjudged``, ``by_rule`` (rows each rule fired on, and was first on, for machine
    and human rows) and ``by_kind`` (per machine_kind / bot_kind, human rows as 'human').
    """
    truth = Path(truth_dir)
    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        _email_judged(con, schema, truth)
        _web_judged(con, schema, truth)
        email = _summary(con, "email_judged", "is_machine", "machine_kind", EMAIL_RULES)
        web = _summary(con, "web_judged", "is_bot", "bot_kind", WEB_RULES)
    finally:
        con.close()

    def meets(part: dict[str, Any]) -> bool:
        machine, human = part["machine"]["removed_share"], part["human"]["removed_share"]
        return (machine is None or machine >= TARGET_MACHINE_REMOVED) and (
            human is None or human <= TARGET_HUMAN_REMOVED
        )

    return {
        "email": email,
        "web": web,
        "targets": {
            "machine_removed_min": TARGET_MACHINE_REMOVED,
            "human_removed_max": TARGET_HUMAN_REMOVED,
        },
        "meets_targets": meets(email) and meets(web),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duckdb", required=True, help="the built DuckDB file")
    parser.add_argument("--truth", required=True, help="the world's truth folder")
    parser.add_argument("--schema", default="staging", help="schema of the staging models")
    args = parser.parse_args(argv)
    result = measure_bot_filter(args.duckdb, args.truth, args.schema)
    print(json.dumps(result, indent=2))
    return 0 if result["meets_targets"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
