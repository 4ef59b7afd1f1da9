"""Judge the tiers against the generator's truth: `python -m mqx.evaluate [options]`.

Reads a built warehouse (read-only) and the truth folder of the world it was built from,
and answers three questions for accounts as of the world's end:

1. Are MQX accounts really in market? The share of `mqx` accounts in
   `marts.tier_assignments` that the truth has in market in the last weeks of the world,
   against the same share over all accounts (the base rate); their ratio is the lift.
2. Did the tiers see the deals coming? Of the accounts that opened a New Business
   opportunity in the last weeks of the world, the share that were in a tier
   (hand_raiser, mqx or mex) on the last as-of date on or before the opportunity was
   created, from `marts.tier_history` (or the `tier_estimate` of
   `intermediate.int_unit_scores_weekly`).
3. Is P(in-market) calibrated on the held-out weeks? From `marts.propensity_calibration`,
   or computed from the weekly scores and labels when that mart is absent.

Exit status: 0 when every bound given (`--min-lift`, `--max-ece`, ...) holds, 1 when one
does not (or its metric could not be computed), 2 when an input is missing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from mqx.propensity import brier_score, expected_calibration_error

# the tiers that count as "seen"; an account with units in several counts under the first
TIERS = ("hand_raiser", "mqx", "mex")

# where the tier of every unit on every as-of date lives, with the unit's account:
# (relation, tier column)
WEEKLY_TIERS = (
    ("marts.tier_history", "tier"),
    ("intermediate.int_unit_scores_weekly", "tier_estimate"),
)

BUILD_HINT = "run `dbt build` (or `make build`)"
WORLD_HINT = "generate the world with `python -m mqx.world --truth DIR` (or `make world`)"


class EvaluationError(Exception):
    """An input the evaluation needs is missing or unusable; the message says which."""


# --------------------------------------------------------------------------- inputs


def _exists(con: duckdb.DuckDBPyConnection, relation: str) -> bool:
    schema, name = relation.split(".")
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    return bool(found and found[0])


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> set[str]:
    schema, name = relation.split(".")
    rows = con.execute(
        "select column_name from information_schema.columns "
        "where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchall()
    return {row[0] for row in rows}


def _require(con: duckdb.DuckDBPyConnection, relation: str, columns: Sequence[str]) -> None:
    if not _exists(con, relation):
        raise EvaluationError(f"the warehouse has no {relation}; {BUILD_HINT}")
    missing = sorted(set(columns) - _columns(con, relation))
    if missing:
        raise EvaluationError(
            f"{relation} lacks column(s) {', '.join(missing)}; rebuild it with `dbt build`"
        )


def _read_truth(truth_dir: Path, name: str, columns: Sequence[str]) -> pd.DataFrame:
    path = truth_dir / f"{name}.parquet"
    if not path.is_file():
        raise EvaluationError(f"truth file {path} not found; {WORLD_HINT}")
    frame = pd.read_parquet(path)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise EvaluationError(f"truth file {path} lacks column(s) {', '.join(missing)}")
    return frame


def _world_dates(truth_dir: Path, in_market: pd.DataFrame) -> tuple[dt.date, dt.date]:
    """(last week start, last day) of the world: from manifest.json, else the truth weeks."""
    manifest = truth_dir / "manifest.json"
    if manifest.is_file():
        data = json.loads(manifest.read_text())
        if data.get("last_week_start") and data.get("end_date"):
            return (
                dt.date.fromisoformat(data["last_week_start"]),
                dt.date.fromisoformat(data["end_date"]),
            )
    if in_market.empty:
        raise EvaluationError(
            f"cannot tell when the world ends: no {manifest.name} and no in-market weeks "
            f"in {truth_dir}"
        )
    last_week = pd.Timestamp(in_market["week_start"].max()).date()
    return last_week, last_week + dt.timedelta(days=6)


# --------------------------------------------------------------------------- metrics


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return float(numerator) / float(denominator)


def _tier_section(con: duckdb.DuckDBPyConnection, in_market_accounts: set[str]) -> dict[str, Any]:
    _require(con, "marts.tier_assignments", ["unit_type", "unit_id", "tier"])
    columns = _columns(con, "marts.tier_assignments")
    account = "coalesce(account_id, unit_id)" if "account_id" in columns else "unit_id"
    latest = ""
    if "as_of_date" in columns:
        latest = (
            "and as_of_date = (select max(as_of_date) from marts.tier_assignments "
            "where unit_type = 'account')"
        )
    tiers = con.execute(
        f"""
        select distinct {account} as account_id, coalesce(tier, 'none') as tier
        from marts.tier_assignments
        where unit_type = 'account' {latest}
        """
    ).df()
    if tiers.empty:
        raise EvaluationError(f"marts.tier_assignments has no account rows; {BUILD_HINT}")
    tiers["account_id"] = tiers["account_id"].astype(str)
    tiers["in_market"] = tiers["account_id"].isin(in_market_accounts)
    accounts = tiers.drop_duplicates("account_id")
    base_rate = float(accounts["in_market"].mean())

    def share(tier: str) -> tuple[int, float | None]:
        chosen = tiers[tiers["tier"] == tier]
        return len(chosen), (float(chosen["in_market"].mean()) if len(chosen) else None)

    mqx_n, mqx_share = share("mqx")
    hr_n, hr_share = share("hand_raiser")
    counts = tiers.groupby("tier")["account_id"].nunique()
    return {
        "accounts": len(accounts),
        "in_market_accounts": int(accounts["in_market"].sum()),
        "base_rate": base_rate,
        "tier_counts": {str(tier): int(n) for tier, n in counts.sort_index().items()},
        "mqx_accounts": mqx_n,
        "mqx_in_market_share": mqx_share,
        "lift": _ratio(mqx_share, base_rate),
        "hand_raiser_accounts": hr_n,
        "hand_raiser_in_market_share": hr_share,
        "hand_raiser_lift": _ratio(hr_share, base_rate),
    }


def _coverage_section(
    con: duckdb.DuckDBPyConnection,
    truth_dir: Path,
    world_end: dt.date,
    coverage_weeks: int,
) -> dict[str, Any]:
    window_start = world_end - dt.timedelta(weeks=coverage_weeks)
    out: dict[str, Any] = {
        "opportunity_coverage": None,
        "opportunity_accounts": 0,
        "opportunity_window": [window_start.isoformat(), world_end.isoformat()],
        "opportunity_coverage_by_tier": {},
        "episode_opportunity_coverage": None,
        "episode_opportunity_accounts": 0,
    }
    notes: list[str] = []
    opportunities = "staging.stg_salesforce__opportunities"
    if not _exists(con, opportunities):
        notes.append(f"opportunity coverage not computed: no {opportunities} ({BUILD_HINT})")
        return {**out, "notes": notes}
    _require(con, opportunities, ["opportunity_id", "account_id", "created_at", "is_new_business"])
    weekly = _weekly_tiers(con)
    if weekly is None:
        sources = " or ".join(f"{relation} ({column})" for relation, column in WEEKLY_TIERS)
        notes.append(f"opportunity coverage not computed: no weekly tiers in {sources}")
        return {**out, "notes": notes}
    out["opportunity_tiers_source"] = weekly[0]

    # New Business opportunities opened in the window (after window_start, up to the end)
    opps = con.execute(
        f"""
        select opportunity_id, account_id, cast(created_at as date) as created_date
        from {opportunities}
        where is_new_business
            and account_id is not null
            and cast(created_at as date) > ?
            and cast(created_at as date) <= ?
        """,
        [window_start, world_end],
    ).df()
    if opps.empty:
        notes.append(
            f"no New Business opportunities created after {window_start} up to {world_end}"
        )
        return {**out, "notes": notes}
    judged = _judge_accounts(con, weekly, opps)
    out["opportunity_accounts"] = len(judged)
    out["opportunity_coverage"] = float(judged["is_covered"].mean())
    by_tier = judged.groupby("best_tier")["account_id"].count()
    out["opportunity_coverage_by_tier"] = {str(t): int(n) for t, n in by_tier.items()}
    unscored = int(judged["as_of_date"].isna().sum())
    if unscored:
        notes.append(f"{unscored} opportunity account(s) opened before the first scored week")

    episodes_path = truth_dir / "episodes.parquet"
    if not episodes_path.is_file():
        notes.append(f"no {episodes_path}: episode-linked coverage not computed")
        return {**out, "notes": notes}
    episodes = _read_truth(truth_dir, "episodes", ["account_id", "opportunity_id"])
    linked = (
        opps["opportunity_id"]
        .astype(str)
        .isin(set(episodes["opportunity_id"].dropna().astype(str)))
    )
    if linked.any():
        judged_linked = _judge_accounts(con, weekly, opps[linked])
        out["episode_opportunity_accounts"] = len(judged_linked)
        out["episode_opportunity_coverage"] = float(judged_linked["is_covered"].mean())
    return {**out, "notes": notes}


def _weekly_tiers(con: duckdb.DuckDBPyConnection) -> tuple[str, str] | None:
    """The first (relation, tier column) of WEEKLY_TIERS the warehouse has."""
    for relation, column in WEEKLY_TIERS:
        if _exists(con, relation) and {"account_id", "as_of_date", column} <= _columns(
            con, relation
        ):
            return relation, column
    return None


def _judge_accounts(
    con: duckdb.DuckDBPyConnection, weekly: tuple[str, str], opps: pd.DataFrame
) -> pd.DataFrame:
    """Per account: its first opportunity, the last as-of date on or before it was created,
    and the best tier any of its units held on that date."""
    relation, tier = weekly
    first = opps.groupby("account_id", as_index=False)["created_date"].min()
    con.register("_evaluate_first_opportunities", first)
    try:
        judged = con.execute(
            f"""
            with calendar as (
                select distinct as_of_date from {relation}
            ),
            judged_on as (
                select
                    opps.account_id,
                    max(calendar.as_of_date) as as_of_date
                from _evaluate_first_opportunities as opps
                left join calendar on calendar.as_of_date <= opps.created_date
                group by opps.account_id
            )
            select
                judged_on.account_id,
                judged_on.as_of_date,
                min(case weekly_tiers.{tier}
                    when 'hand_raiser' then 0 when 'mqx' then 1 when 'mex' then 2
                end) as best_rank
            from judged_on
            left join {relation} as weekly_tiers
                on judged_on.account_id = weekly_tiers.account_id
                and judged_on.as_of_date = weekly_tiers.as_of_date
            group by judged_on.account_id, judged_on.as_of_date
            order by judged_on.account_id
            """
        ).df()
    finally:
        con.unregister("_evaluate_first_opportunities")

    by_rank = dict(enumerate(TIERS))
    judged["best_tier"] = judged["best_rank"].map(lambda r: by_rank.get(r, "none"))
    judged["is_covered"] = judged["best_tier"] != "none"
    return judged


def _calibration_section(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    out: dict[str, Any] = {"ece": None, "brier": None, "calibration_source": None}
    mart = "marts.propensity_calibration"
    if _exists(con, mart):
        _require(con, mart, ["unit_type", "mean_predicted", "observed_rate", "units"])
        columns = _columns(con, mart)
        bins = con.execute(f"select * from {mart} where unit_type = 'account'").df()
        if bins.empty:
            return {**out, "notes": [f"{mart} has no account rows"]}
        units = bins["units"].astype(float)
        gap = (bins["observed_rate"] - bins["mean_predicted"]).abs()
        ece = float((gap * units).sum() / units.sum())
        for name in ("ece", "expected_calibration_error"):
            if name in columns and bins[name].notna().any():
                ece = float(bins[name].dropna().iloc[0])
                break
        brier = None
        if "brier_score" in columns and bins["brier_score"].notna().any():
            brier = float(bins["brier_score"].dropna().iloc[0])
        out.update(ece=ece, brier=brier, calibration_source=mart, held_out_units=int(units.sum()))
        if "base_rate" in columns and bins["base_rate"].notna().any():
            out["held_out_base_rate"] = float(bins["base_rate"].dropna().iloc[0])
        return {**out, "notes": []}
    return _calibration_from_scores(con, out)


def _calibration_from_scores(con: duckdb.DuckDBPyConnection, out: dict[str, Any]) -> dict:
    scores = "intermediate.int_unit_scores_weekly"
    features = "intermediate.int_unit_features_weekly"
    if not _exists(con, scores):
        return {
            **out,
            "notes": [
                f"calibration not computed: no marts.propensity_calibration "
                f"and no {scores} ({BUILD_HINT})"
            ],
        }
    _require(con, scores, ["unit_type", "unit_id", "as_of_date", "p_in_market"])
    if {"label", "label_known"} <= _columns(con, scores):
        labels_from = scores
        query = f"""
            select as_of_date, p_in_market, label
            from {scores}
            where unit_type = 'account' and label_known and p_in_market is not null
        """
    elif _exists(con, features) and {"label", "label_known"} <= _columns(con, features):
        labels_from = features
        query = f"""
            select scores.as_of_date, scores.p_in_market, labels.label
            from {scores} as scores
            inner join {features} as labels
                on scores.unit_type = labels.unit_type
                and scores.unit_id = labels.unit_id
                and scores.as_of_date = labels.as_of_date
            where scores.unit_type = 'account'
                and labels.label_known
                and scores.p_in_market is not null
        """
    else:
        return {**out, "notes": [f"calibration not computed: no labels in {scores} or {features}"]}
    rows = con.execute(query).df()
    notes = []
    held_out_from = _held_out_from(con)
    if held_out_from is None:
        notes.append("no coefficient table with calibration_until: ECE over all labelled weeks")
    else:
        rows = rows[pd.to_datetime(rows["as_of_date"]) > pd.Timestamp(held_out_from)]
    if rows.empty:
        return {**out, "notes": [*notes, "calibration not computed: no held-out labelled weeks"]}
    y = rows["label"].astype(float).to_numpy()
    p = rows["p_in_market"].astype(float).to_numpy()
    out.update(
        ece=expected_calibration_error(y, p),
        brier=brier_score(y, p),
        calibration_source=scores if labels_from == scores else f"{scores} + {labels_from}",
        held_out_units=len(rows),
        held_out_base_rate=float(np.mean(y)),
    )
    return {**out, "notes": notes}


def _held_out_from(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The account model's calibration_until, from whichever table holds the coefficients."""
    tables = con.execute(
        """
        select table_schema || '.' || table_name
        from information_schema.columns
        where column_name in ('feature_name', 'calibration_until', 'unit_type')
        group by table_schema, table_name
        having count(distinct column_name) = 3
        order by 1
        """
    ).fetchall()
    for (relation,) in tables:
        found = con.execute(
            f"select max(calibration_until) from {relation} where unit_type = 'account'"
        ).fetchone()
        if found and found[0] is not None:
            return pd.Timestamp(found[0]).date()
    return None


# --------------------------------------------------------------------------- entry points


def evaluate(
    duckdb_path: str | os.PathLike[str],
    truth_dir: str | os.PathLike[str],
    *,
    in_market_weeks: int = 2,
    coverage_weeks: int = 8,
) -> dict[str, Any]:
    """All the numbers, as a JSON-ready dict. Raises EvaluationError for missing inputs."""
    duckdb_path, truth_dir = Path(duckdb_path), Path(truth_dir)
    if in_market_weeks < 1 or coverage_weeks < 1:
        raise EvaluationError("in_market_weeks and coverage_weeks must be at least 1")
    if not duckdb_path.is_file():
        raise EvaluationError(f"no warehouse at {duckdb_path}; {BUILD_HINT} first")
    if not truth_dir.is_dir():
        raise EvaluationError(f"no truth folder at {truth_dir}; {WORLD_HINT}")
    in_market = _read_truth(truth_dir, "in_market_weeks", ["account_id", "week_start"])
    in_market["week_start"] = pd.to_datetime(in_market["week_start"])
    last_week, world_end = _world_dates(truth_dir, in_market)
    first_week = last_week - dt.timedelta(weeks=in_market_weeks - 1)
    recent = in_market[in_market["week_start"] >= pd.Timestamp(first_week)]
    in_market_accounts = set(recent["account_id"].astype(str))

    result: dict[str, Any] = {
        "duckdb": str(duckdb_path),
        "truth": str(truth_dir),
        "world_end_date": world_end.isoformat(),
        "in_market_weeks": [
            (first_week + dt.timedelta(weeks=i)).isoformat() for i in range(in_market_weeks)
        ],
    }
    notes: list[str] = []
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        result.update(_tier_section(con, in_market_accounts))
        coverage = _coverage_section(con, truth_dir, world_end, coverage_weeks)
        calibration = _calibration_section(con)
    notes += coverage.pop("notes") + calibration.pop("notes")
    result.update(coverage)
    result.update(calibration)
    result["notes"] = notes
    return result


BOUNDS = {
    # option: (result key, kind, what it says)
    "min_lift": ("lift", "min", "MQX lift over the base rate"),
    "min_hand_raiser_share": ("hand_raiser_in_market_share", "min", "hand-raiser in-market share"),
    "min_coverage": ("opportunity_coverage", "min", "opportunity coverage"),
    "max_ece": ("ece", "max", "expected calibration error"),
    "max_brier": ("brier", "max", "Brier score"),
}


def check_bounds(result: dict[str, Any], bounds: dict[str, float | None]) -> list[str]:
    """One message per bound that is given and not met (or whose metric is missing)."""
    failures = []
    for option, limit in bounds.items():
        if limit is None:
            continue
        key, kind, label = BOUNDS[option]
        value = result.get(key)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            failures.append(f"{label} ({key}) could not be computed, so --{_flag(option)} fails")
        elif (kind == "min" and value < limit) or (kind == "max" and value > limit):
            sign = ">=" if kind == "min" else "<="
            failures.append(f"{label} ({key}) is {value:.4g}, needs {sign} {limit:g}")
    return failures


def _flag(option: str) -> str:
    return option.replace("_", "-")


def _fmt(value: object) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def render(result: dict[str, Any]) -> str:
    weeks = ", ".join(result["in_market_weeks"])
    lines = [
        f"mqx evaluate: {result['duckdb']} against {result['truth']} "
        f"(world ends {result['world_end_date']})",
        "",
        f"Accounts in market per the truth (weeks of {weeks})",
        f"  accounts              {result['accounts']:>8}   in market "
        f"{result['in_market_accounts']} (base rate {_fmt(result['base_rate'])})",
        f"  mqx                   {result['mqx_accounts']:>8}   in-market share "
        f"{_fmt(result['mqx_in_market_share'])}   lift {_fmt(result['lift'])}",
        f"  hand_raiser           {result['hand_raiser_accounts']:>8}   in-market share "
        f"{_fmt(result['hand_raiser_in_market_share'])}   lift "
        f"{_fmt(result['hand_raiser_lift'])}",
        "  tiers: " + ", ".join(f"{tier} {n}" for tier, n in result["tier_counts"].items()),
        "",
        "New Business opportunities opened after "
        f"{result['opportunity_window'][0]}, up to {result['opportunity_window'][1]}",
        f"  accounts              {result['opportunity_accounts']:>8}   already in a tier "
        f"{_fmt(result['opportunity_coverage'])}"
        f"   (episode-linked only: {_fmt(result['episode_opportunity_coverage'])})",
    ]
    if result["opportunity_coverage_by_tier"]:
        lines.append(
            "  tier before the deal: "
            + ", ".join(f"{t} {n}" for t, n in result["opportunity_coverage_by_tier"].items())
        )
    lines += [
        "",
        f"P(in-market) on held-out weeks (source: {result['calibration_source'] or 'none'})",
        f"  ECE {_fmt(result['ece'])}   Brier {_fmt(result['brier'])}",
    ]
    if result["notes"]:
        lines += ["", "Notes", *[f"  - {note}" for note in result["notes"]]]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m mqx.evaluate", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--duckdb",
        default=os.environ.get("MQX_DUCKDB_PATH", "data/mqx.duckdb"),
        help="the DuckDB file dbt built (default: $MQX_DUCKDB_PATH or data/mqx.duckdb)",
    )
    parser.add_argument("--truth", default="data/truth", help="the world's truth folder")
    parser.add_argument("--json", metavar="PATH", help="also write the result as JSON here")
    parser.add_argument(
        "--in-market-weeks", type=int, default=2, help="last truth weeks that count (2)"
    )
    parser.add_argument(
        "--coverage-weeks", type=int, default=8, help="opportunities of the last K weeks (8)"
    )
    for option, (_key, kind, label) in BOUNDS.items():
        least = "at least" if kind == "min" else "at most"
        parser.add_argument(
            f"--{_flag(option)}", type=float, help=f"exit 1 unless {label} is {least} this"
        )
    args = parser.parse_args(argv)
    try:
        result = evaluate(
            args.duckdb,
            args.truth,
            in_market_weeks=args.in_market_weeks,
            coverage_weeks=args.coverage_weeks,
        )
    except EvaluationError as error:
        print(f"mqx evaluate: {error}", file=sys.stderr)
        return 2
    failures = check_bounds(result, {option: getattr(args, option) for option in BOUNDS})
    result["failed_bounds"] = failures
    print(render(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
    if failures:
        print("\nFAILED\n" + "\n".join(f"  - {failure}" for failure in failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
