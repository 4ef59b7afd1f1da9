"""CLI: ``python -m mqx.world --accounts 200 --seed 7 --out data/raw --truth data/truth``."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from .config import WorldConfig
from .generate import generate
from .writer import WorldExistsError


def parse_args(argv: list[str] | None = None) -> WorldConfig:
    parser = argparse.ArgumentParser(
        prog="python -m mqx.world",
        description=(
            "Generate a deterministic synthetic B2B world (Salesforce, Marketo, Segment, G2, "
            "Bombora, spend) in the landing-contract layout, plus a truth folder for tests."
        ),
    )
    parser.add_argument("--accounts", type=int, default=200, help="number of accounts (>=10)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (same seed, same bytes)")
    parser.add_argument("--out", type=Path, default=Path("data/raw"), help="raw root folder")
    parser.add_argument("--truth", type=Path, default=Path("data/truth"), help="truth folder")
    parser.add_argument(
        "--format",
        choices=["parquet", "csv"],
        default="parquet",
        help="file format of the raw tables (Bombora is always CSV)",
    )
    parser.add_argument(
        "--end-date",
        type=dt.date.fromisoformat,
        default=dt.date(2026, 11, 15),
        help="last day of the world (YYYY-MM-DD)",
    )
    parser.add_argument("--weeks", type=int, default=52, help="weeks of history")
    parser.add_argument(
        "--bot-share",
        type=float,
        default=0.35,
        help="share of email opens+clicks that are machine-made",
    )
    parser.add_argument(
        "--dirt",
        type=float,
        default=0.01,
        help="share of rows per table given each kind of connector dirt (0 = clean)",
    )
    parser.add_argument("--chunk-size", type=int, default=2000, help="accounts per chunk/part file")
    parser.add_argument(
        "--force",
        action="store_true",
        help="overwrite an output folder that does not look like a previous world",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    a = parser.parse_args(argv)
    return WorldConfig(
        accounts=a.accounts,
        seed=a.seed,
        out=a.out,
        truth=a.truth,
        format=a.format,
        end_date=a.end_date,
        weeks=a.weeks,
        bot_share=a.bot_share,
        dirt=a.dirt,
        quiet=a.quiet,
        force=a.force,
        chunk_size=a.chunk_size,
    )


def main(argv: list[str] | None = None) -> int:
    try:
        cfg = parse_args(argv)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        summary = generate(cfg)
    except WorldExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    width = max(len(k) for k in summary["raw_row_counts"])
    print(f"world written to {cfg.out} (truth in {cfg.truth}) in {summary['seconds']}s")
    for table, rows in sorted(summary["raw_row_counts"].items()):
        print(f"  {table:<{width}}  {rows:>12,}")
    print(
        f"  email machine share {summary['email_machine_share']:.3f}, "
        f"ICP weekly in-market share {summary['icp_weekly_in_market_share']:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
