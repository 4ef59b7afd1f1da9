"""Hold back the last day(s) of events of a generated world, to land them later.

An incremental run is measured (``mqx.bench``) and checked against a full refresh
(``tests/python/test_incremental.py``) the way a daily job sees it: the warehouse is
built on every event up to yesterday, then one more day of events lands as new files
and the job runs again.

``hold_back(raw_root, held_root, days=1)`` moves every event row whose event time falls
on the world's last ``days`` days out of the raw root's Parquet files into
``held_root`` (same ``<source>/<table>/`` layout, one new part file per table, named to
sort after the existing parts, as a connector's next file would). ``land(held_root,
raw_root)`` moves those files into the raw root. Row counts are returned and reconcile:
rows before = rows kept + rows held.

Command line: ``python -m mqx.world.holdback --raw R --truth T --held H [--days 1]`` holds back;
``--land`` moves the held files in.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb

# (source, table, event time column) of the landed event tables that grow every day.
EVENT_TABLES: list[tuple[str, str, str]] = [
    ("marketo", "activity_send_email", "activity_date"),
    ("marketo", "activity_email_delivered", "activity_date"),
    ("marketo", "activity_open_email", "activity_date"),
    ("marketo", "activity_click_email", "activity_date"),
    ("marketo", "activity_fill_out_form", "activity_date"),
    ("segment", "pages", "timestamp"),
    ("segment", "identifies", "timestamp"),
    ("salesforce", "task", "created_date"),
    ("salesforce", "event", "created_date"),
    ("g2", "buyer_intent", "day"),
]

HELD_PART = "part-99999-next-day.parquet"


class HoldbackError(RuntimeError):
    """A raw table cannot be split (not Parquet, no event time column...)."""


def _event_day(column: str) -> str:
    return (
        f"cast(try_cast(replace(cast(\"{column}\" as varchar), ' UTC', '') as timestamp) as date)"
    )


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def world_end_date(truth_root: Path) -> dt.date:
    """The last day of a generated world, from its truth manifest."""
    manifest = truth_root / "manifest.json"
    try:
        return dt.date.fromisoformat(json.loads(manifest.read_text())["end_date"])
    except (OSError, KeyError, ValueError) as error:
        raise HoldbackError(f"cannot read end_date from {manifest}: {error}") from error


def hold_back(
    raw_root: Path,
    held_root: Path,
    end_date: dt.date,
    days: int = 1,
    report: Callable[[str], None] | None = None,
) -> dict[str, dict[str, int]]:
    """Move event rows of the ``days`` days up to ``end_date`` into ``held_root``.

    Rows dated after ``end_date`` (the generator's dirty future-dated rows) stay put.
    Returns the row counts per table, and gives ``report`` a line per table as it is
    done (at 200,000 accounts the whole takes minutes).
    """
    if days < 1:
        raise HoldbackError(f"--days must be at least 1, got {days}")
    con = duckdb.connect()
    tables = []
    for source, table, column in EVENT_TABLES:
        folder = raw_root / source / table
        parts = sorted(folder.glob("*.parquet"))
        if not parts:
            continue
        if any(p.suffix != ".parquet" for p in folder.iterdir() if p.is_file()):
            raise HoldbackError(
                f"{source}.{table}: only Parquet tables can be held back ({folder})"
            )
        tables.append((source, table, column, parts))
    if not tables:
        raise HoldbackError(f"no event tables found under {raw_root}")
    first_held = end_date - dt.timedelta(days=days - 1)
    window = f"between date '{first_held}' and date '{end_date}'"
    counts: dict[str, dict[str, int]] = {}
    for source, table, column, parts in tables:
        held_dir = held_root / source / table
        held_dir.mkdir(parents=True, exist_ok=True)
        held = f"coalesce({_event_day(column)} {window}, false)"
        files = "[" + ", ".join(_quote(p) for p in parts) + "]"
        before = con.execute(f"select count(*) from read_parquet({files})").fetchone()[0]
        con.execute(
            f"copy (select * from read_parquet({files}) where {held}) "
            f"to {_quote(held_dir / HELD_PART)} (format parquet)"
        )
        kept = 0
        for part in parts:
            tmp = part.with_suffix(".parquet.tmp")
            con.execute(
                f"copy (select * from read_parquet({_quote(part)}) where not {held}) "
                f"to {_quote(tmp)} (format parquet)"
            )
            kept += con.execute(f"select count(*) from read_parquet({_quote(tmp)})").fetchone()[0]
            tmp.replace(part)
        n_held = con.execute(
            f"select count(*) from read_parquet({_quote(held_dir / HELD_PART)})"
        ).fetchone()[0]
        if kept + n_held != before:
            raise HoldbackError(
                f"{source}.{table}: {before} rows before, {kept} kept + {n_held} held"
            )
        counts[f"{source}.{table}"] = {"before": before, "kept": kept, "held": n_held}
        if report is not None:
            report(f"{source}.{table}: {kept:,} kept, {n_held:,} held")
    con.close()
    return counts


def land(held_root: Path, raw_root: Path) -> list[Path]:
    """Move every held part file into the raw root; return the landed paths."""
    landed = []
    for held in sorted(held_root.glob(f"*/*/{HELD_PART}")):
        target = raw_root / held.parent.parent.name / held.parent.name / held.name
        if target.exists():
            raise HoldbackError(f"{target} already exists: the held day was landed before")
        shutil.move(str(held), target)
        landed.append(target)
    if not landed:
        raise HoldbackError(f"nothing held under {held_root}")
    return landed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mqx.world.holdback", description=__doc__)
    parser.add_argument("--raw", type=Path, required=True, help="raw root of a generated world")
    parser.add_argument("--held", type=Path, required=True, help="folder for the held-back day")
    parser.add_argument("--truth", type=Path, help="truth folder (its manifest gives the last day)")
    parser.add_argument("--days", type=int, default=1, help="how many last days to hold back")
    parser.add_argument("--land", action="store_true", help="move the held files into --raw")
    args = parser.parse_args(argv)
    if not args.land and args.truth is None:
        parser.error("--truth is needed to hold back (its manifest gives the last day)")
    try:
        if args.land:
            for path in land(args.held, args.raw):
                print(f"landed {path}")
        else:
            for table, c in hold_back(
                args.raw, args.held, world_end_date(args.truth), args.days
            ).items():
                print(f"{table:40s} {c['kept']:>12,} kept {c['held']:>10,} held")
    except HoldbackError as error:
        print(f"holdback: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
