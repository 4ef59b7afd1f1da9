"""Print what a `dbt build` produced: `python -m mqx.summary [--duckdb PATH]`.

Reads the built warehouse (read-only) and prints, per source table, the raw rows and
where they went (staged, set aside, soft-deleted, older re-sync copies), then the bot
activity staging removed by rule. Later layers add their own sections here.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import duckdb


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(h) for h in headers]] + [[_fmt(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for index, row in enumerate(cells):
        lines.append(
            "  ".join(
                cell.ljust(width) if col == 0 else cell.rjust(width)
                for col, (cell, width) in enumerate(zip(row, widths, strict=True))
            )
        )
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)


def _exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    return bool(found and found[0])


def staging_section(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute(
        """
        select source_table_id, raw_rows, staged_rows, set_aside_rows, deleted_rows,
            duplicate_rows
        from staging.stg_audit__row_reconciliation
        order by source_table_id
        """
    ).fetchall()
    totals = [sum(row[i] for row in rows) for i in range(1, 6)]
    rows.append(("total", *totals))
    headers = ["source table", "raw", "staged", "set aside", "deleted", "re-sync dups"]
    return "Staging: raw rows and where they went\n" + _table(headers, rows)


def set_aside_section(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute(
        """
        select source_name || '.' || source_table as source_table,
            regexp_replace(set_aside_reason, ':.*$', '') as reason, count(*) as set_aside_rows
        from staging.stg_audit__rows_set_aside
        group by all
        order by set_aside_rows desc, source_table
        limit 12
        """
    ).fetchall()
    if not rows:
        return "Rows set aside: none"
    return "Rows set aside, by reason (staging.stg_audit__rows_set_aside)\n" + _table(
        ["source table", "reason", "rows"], rows
    )


def bot_section(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute(
        """
        select channel, bot_rule, count(*) as activities
        from staging.stg_audit__bot_activities
        group by all
        order by channel, activities desc
        """
    ).fetchall()
    if not rows:
        return "Bot activity excluded: none"
    return "Bot activity excluded, by first rule fired (staging.stg_audit__bot_activities)\n" + (
        _table(["channel", "rule", "activities"], rows)
    )


def tier_section(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute(
        """
        select
            unit_type,
            count(*) filter (where tier = 'hand_raiser') as hand_raisers,
            count(*) filter (where tier = 'mqx') as mqx,
            count(*) filter (where tier = 'mex') as mex,
            count(*) filter (where tier = 'none' and not is_excluded) as no_tier,
            count(*) filter (where is_excluded) as excluded,
            max(as_of_date) as as_of_date
        from marts.tier_assignments
        group by unit_type
        order by unit_type
        """
    ).fetchall()
    headers = ["unit type", "hand-raisers", "MQX", "MEX", "none", "excluded", "as of"]
    return "Tiers (marts.tier_assignments)\n" + _table(headers, rows)


def threshold_section(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute(
        """
        select segment, deal_value_usd, win_rate, cost_false_negative_usd,
            cost_false_positive_usd, threshold, economics_source
        from marts.ev_thresholds
        order by threshold
        """
    ).fetchall()
    headers = ["segment", "deal value", "win rate", "Cost_FN", "Cost_FP", "threshold", "source"]
    return "Engage when P(in-market) > threshold (marts.ev_thresholds)\n" + _table(headers, rows)


def outcome_section(con: duckdb.DuckDBPyConnection) -> str:
    conversion = con.execute(
        f"""
        select tier, sum(units_entered) as entered,
            sum(units_with_opportunity) as with_opportunity,
            sum(units_with_opportunity) / nullif(sum(units_entered), 0) as opportunity_rate,
            max(expected_conversion) as expected
        from marts.tier_conversion
        where unit_type = '{_unit_type(con)}'
        group by tier
        order by min(case tier when 'hand_raiser' then 1 when 'mqx' then 2 else 3 end)
        """
    ).fetchall()
    totals = con.execute(
        """
        select sum(opportunities_created), sum(pipeline_usd), sum(won_usd), sum(spend_usd),
            sum(pipeline_usd) / nullif(sum(spend_usd), 0)
        from marts.pipeline_metrics
        where breakdown = 'total'
        """
    ).fetchall()
    return (
        "Tier entries and New Business conversion (marts.tier_conversion, "
        f"{_unit_type(con)} units)\n"
        + _table(["tier", "entered", "with opp", "opp rate", "expected"], conversion)
        + "\n\nPipeline and efficiency (marts.pipeline_metrics, all months)\n"
        + _table(["opps", "pipeline", "won", "spend", "pipeline / spend"], totals)
    )


def _unit_type(con: duckdb.DuckDBPyConnection) -> str:
    found = con.execute("select max(unit_type) from marts.mqx").fetchone()
    return found[0] if found and found[0] else "account"


def summarise(duckdb_path: str) -> str:
    with duckdb.connect(duckdb_path, read_only=True) as con:
        if not _exists(con, "staging", "stg_audit__row_reconciliation"):
            raise SystemExit(
                f"mqx summary: {duckdb_path} has no staging.stg_audit__row_reconciliation; "
                "run `dbt build` first."
            )
        sections = [staging_section(con), set_aside_section(con), bot_section(con)]
        if _exists(con, "marts", "tier_assignments"):
            sections += [tier_section(con), threshold_section(con)]
        if _exists(con, "marts", "tier_conversion"):
            sections.append(outcome_section(con))
    return "\n\n".join(sections)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--duckdb",
        default=os.environ.get("MQX_DUCKDB_PATH", "data/mqx.duckdb"),
        help="the DuckDB file dbt built (default: $MQX_DUCKDB_PATH or data/mqx.duckdb)",
    )
    args = parser.parse_args(argv)
    if not os.path.exists(args.duckdb):
        print(
            f"mqx summary: no warehouse at {args.duckdb}; run `make demo` first.", file=sys.stderr
        )
        return 2
    print(summarise(args.duckdb))
    return 0


if __name__ == "__main__":
    sys.exit(main())
