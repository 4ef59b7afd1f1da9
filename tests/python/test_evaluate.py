"""mqx.evaluate on a hand-built warehouse and truth folder with known answers.

The world ends Sunday 2026-11-15; its last two truth weeks start 2026-11-02 and 11-09.
Ten accounts A01..A10 are tiered; A01, A03 and A05 are in market in those weeks (A02 only
earlier), so the base rate is 3/10, MQX (A01, A02) is 1/2 and the hand-raiser (A03) 1/1.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from mqx.evaluate import EvaluationError, check_bounds, evaluate, main

TIERS = {"A01": "mqx", "A02": "mqx", "A03": "hand_raiser", "A04": "mex"}
ACCOUNTS = [f"A{i:02d}" for i in range(1, 11)]

# (unit_type, unit_id, account_id, as_of_date, p_in_market, tier_estimate, label, label_known)
SCORES = [
    ("account", "A07", "A07", "2026-10-19", 0.50, "mqx", False, True),
    ("account", "A01", "A01", "2026-10-26", 0.90, "none", False, True),  # before held-out
    ("account", "A01", "A01", "2026-11-02", 0.20, "mqx", False, True),
    ("account", "A06", "A06", "2026-11-02", 0.20, "mqx", True, True),
    ("account", "A06", "A06", "2026-11-09", 0.80, "none", True, True),
    ("lead", "L01", "A06", "2026-11-09", 0.30, "hand_raiser", True, True),  # not an account
    ("account", "A10", "A10", "2026-11-09", 0.80, "mex", True, True),
    ("account", "A02", "A02", "2026-11-09", 0.50, "none", True, False),  # label unknown
]

# (opportunity_id, account_id, is_new_business, created_at)
OPPORTUNITIES = [
    ("O1", "A01", True, "2026-11-04 10:00:00"),  # judged on 11-02: A01 is mqx
    ("O2", "A06", True, "2026-11-10 09:00:00"),  # judged on 11-09: its lead is a hand-raiser
    ("O3", "A07", True, "2026-10-27 12:00:00"),  # judged on 10-26: A07 has no row -> missed
    ("O4", "A08", False, "2026-11-05 12:00:00"),  # renewal: not counted
    ("O5", "A09", True, "2026-09-01 12:00:00"),  # before the 4-week window
    ("O6", "A01", True, "2026-11-12 12:00:00"),  # A01's second deal: the first one counts
    ("O7", "A10", True, "2026-11-09 15:00:00"),  # judged on 11-09 itself: A10 is mex
]


def build_warehouse(
    path: Path, *, calibration_mart: bool = True, scores: bool = True, layout: str = "project"
) -> Path:
    con = duckdb.connect(str(path))
    for schema in ("staging", "intermediate", "marts"):
        con.execute(f"create schema {schema}")
    con.execute(
        """
        create table marts.tier_assignments (
            unit_type varchar, unit_id varchar, account_id varchar, tier varchar,
            is_excluded boolean, p_in_market double, threshold double
        )
        """
    )
    for account in ACCOUNTS:
        con.execute(
            "insert into marts.tier_assignments values ('account', ?, ?, ?, false, 0.1, 0.3)",
            [account, account, TIERS.get(account, "none")],
        )
    # leads are not accounts and must not count
    con.execute(
        "insert into marts.tier_assignments values ('lead', 'L01', 'A06', 'mqx', false, .9, .3)"
    )
    con.execute(
        """
        create table staging.stg_salesforce__opportunities (
            opportunity_id varchar, account_id varchar, is_new_business boolean,
            created_at timestamp
        )
        """
    )
    con.executemany(
        "insert into staging.stg_salesforce__opportunities values (?, ?, ?, ?)", OPPORTUNITIES
    )
    if scores and layout == "project":
        # as the project builds it: labels on the scores, tiers in their own model
        con.execute(
            """
            create table intermediate.int_unit_scores_weekly (
                unit_type varchar, unit_id varchar, account_id varchar, as_of_date date,
                label boolean, label_known boolean, p_in_market double
            )
            """
        )
        con.execute(
            """
            create table marts.tier_history (
                unit_type varchar, unit_id varchar, account_id varchar, as_of_date date,
                p_in_market double, threshold double, tier varchar
            )
            """
        )
        for unit_type, unit_id, account, as_of, p, tier, label, known in SCORES:
            con.execute(
                "insert into intermediate.int_unit_scores_weekly values (?, ?, ?, ?, ?, ?, ?)",
                [unit_type, unit_id, account, as_of, label, known, p],
            )
            con.execute(
                "insert into marts.tier_history values (?, ?, ?, ?, ?, 0.3, ?)",
                [unit_type, unit_id, account, as_of, p, tier],
            )
    elif scores:
        # the other layout: a tier estimate on the scores, labels with the features
        con.execute(
            """
            create table intermediate.int_unit_scores_weekly (
                unit_type varchar, unit_id varchar, account_id varchar, as_of_date date,
                p_in_market double, threshold double, tier_estimate varchar
            )
            """
        )
        con.execute(
            """
            create table intermediate.int_unit_features_weekly (
                unit_type varchar, unit_id varchar, as_of_date date,
                label boolean, label_known boolean
            )
            """
        )
        for unit_type, unit_id, account, as_of, p, tier, label, known in SCORES:
            con.execute(
                "insert into intermediate.int_unit_scores_weekly values (?, ?, ?, ?, ?, 0.3, ?)",
                [unit_type, unit_id, account, as_of, p, tier],
            )
            con.execute(
                "insert into intermediate.int_unit_features_weekly values (?, ?, ?, ?, ?)",
                [unit_type, unit_id, as_of, label, known],
            )
    if scores:
        con.execute(
            """
            create table marts.propensity_coefficients as
            select 'account' as unit_type, 'f_intent_score' as feature_name,
                0.5 as coefficient, date '2026-10-26' as calibration_until
            """
        )
    if calibration_mart:
        con.execute(
            """
            create table marts.propensity_calibration as
            select * from (values
                ('account', 1, 0.1, 0.2, 30, 0.15, 0.1, 0.25),
                ('account', 2, 0.6, 0.5, 10, 0.15, 0.1, 0.25),
                ('account', 3, null, null, 0, 0.15, 0.1, 0.25),
                ('lead', 1, 0.1, 0.9, 99, 0.5, 0.8, 0.5)
            ) as t(unit_type, bin, mean_predicted, observed_rate, units, brier_score,
                expected_calibration_error, base_rate)
            """
        )
    con.close()
    return path


def write_truth(folder: Path, *, manifest: bool = True) -> Path:
    folder.mkdir()
    weeks = [
        ("A01", "2026-11-09", "E1"),
        ("A02", "2026-10-26", "E2"),  # in market, but not in the last two weeks
        ("A03", "2026-11-02", "E3"),
        ("A05", "2026-11-02", "E5"),
        ("A05", "2026-11-09", "E5"),
        ("A99", "2026-11-09", "E9"),  # not a tiered account
    ]
    pd.DataFrame(
        {
            "account_id": [w[0] for w in weeks],
            "week_start": [dt.date.fromisoformat(w[1]) for w in weeks],
            "episode_id": [w[2] for w in weeks],
        }
    ).to_parquet(folder / "in_market_weeks.parquet")
    pd.DataFrame(
        {
            "episode_id": ["E1", "E7"],
            "account_id": ["A01", "A07"],
            "start_date": [dt.date(2026, 10, 20), dt.date(2026, 10, 5)],
            "end_date": [dt.date(2026, 11, 15), dt.date(2026, 11, 1)],
            "opportunity_id": ["O1", "O3"],
        }
    ).to_parquet(folder / "episodes.parquet")
    if manifest:
        (folder / "manifest.json").write_text(
            json.dumps({"end_date": "2026-11-15", "last_week_start": "2026-11-09"})
        )
    return folder


@pytest.fixture
def world(tmp_path) -> tuple[Path, Path]:
    return build_warehouse(tmp_path / "mqx.duckdb"), write_truth(tmp_path / "truth")


def run(world, **kw):
    return evaluate(*world, coverage_weeks=4, **kw)


def test_tier_shares_and_lift(world):
    result = run(world)
    assert result["world_end_date"] == "2026-11-15"
    assert result["in_market_weeks"] == ["2026-11-02", "2026-11-09"]
    assert result["accounts"] == 10
    assert result["in_market_accounts"] == 3
    assert result["base_rate"] == pytest.approx(0.3)
    assert result["mqx_accounts"] == 2
    assert result["mqx_in_market_share"] == pytest.approx(0.5)
    assert result["lift"] == pytest.approx(0.5 / 0.3)
    assert result["hand_raiser_in_market_share"] == pytest.approx(1.0)
    assert result["hand_raiser_lift"] == pytest.approx(1 / 0.3)
    assert result["tier_counts"] == {"hand_raiser": 1, "mex": 1, "mqx": 2, "none": 6}


def test_one_in_market_week_drops_accounts_only_in_market_before(world):
    result = run(world, in_market_weeks=1)
    assert result["in_market_weeks"] == ["2026-11-09"]
    assert result["base_rate"] == pytest.approx(0.2)  # A01, A05; A03 was the week before
    assert result["hand_raiser_in_market_share"] == pytest.approx(0.0)


@pytest.mark.parametrize("layout", ["project", "tier_estimate"])
def test_opportunity_coverage(tmp_path, layout):
    world = (
        build_warehouse(tmp_path / "mqx.duckdb", layout=layout),
        write_truth(tmp_path / "truth"),
    )
    result = run(world)
    assert (
        result["opportunity_tiers_source"]
        == {
            "project": "marts.tier_history",
            "tier_estimate": "intermediate.int_unit_scores_weekly",
        }[layout]
    )
    assert result["opportunity_window"] == ["2026-10-18", "2026-11-15"]
    assert result["opportunity_accounts"] == 4  # A01, A06, A07, A10
    assert result["opportunity_coverage"] == pytest.approx(0.75)
    assert result["opportunity_coverage_by_tier"] == {
        "hand_raiser": 1,
        "mex": 1,
        "mqx": 1,
        "none": 1,
    }
    # only O1 (A01, covered) and O3 (A07, missed) come from truth episodes
    assert result["episode_opportunity_accounts"] == 2
    assert result["episode_opportunity_coverage"] == pytest.approx(0.5)


def test_a_wider_window_reaches_older_deals(world):
    result = evaluate(*world, coverage_weeks=12)
    # A09's deal of 2026-09-01 predates every scored week: counted, and missed
    assert result["opportunity_accounts"] == 5
    assert result["opportunity_coverage"] == pytest.approx(3 / 5)
    assert any("before the first scored week" in note for note in result["notes"])


def test_calibration_from_the_mart(world):
    result = run(world)
    assert result["calibration_source"] == "marts.propensity_calibration"
    assert result["ece"] == pytest.approx(0.1)
    assert result["brier"] == pytest.approx(0.15)
    assert result["held_out_units"] == 40


@pytest.mark.parametrize("layout", ["project", "tier_estimate"])
def test_calibration_computed_from_weekly_scores_on_held_out_weeks(tmp_path, layout):
    world = (
        build_warehouse(tmp_path / "mqx.duckdb", calibration_mart=False, layout=layout),
        write_truth(tmp_path / "truth"),
    )
    result = run(world)
    assert result["calibration_source"].startswith("intermediate.int_unit_scores_weekly")
    # held out (after 2026-10-26), known, account rows: p .2 .2 .8 .8, labels 0 1 1 1
    assert result["held_out_units"] == 4
    assert result["brier"] == pytest.approx((0.04 + 0.64 + 0.04 + 0.04) / 4)
    assert result["ece"] == pytest.approx((2 * 0.3 + 2 * 0.2) / 4)
    assert result["held_out_base_rate"] == pytest.approx(0.75)


def test_missing_scores_leave_coverage_and_calibration_empty(tmp_path):
    world = (
        build_warehouse(tmp_path / "mqx.duckdb", calibration_mart=False, scores=False),
        write_truth(tmp_path / "truth"),
    )
    result = run(world)
    assert result["opportunity_coverage"] is None
    assert result["ece"] is None
    assert any("marts.tier_history" in note for note in result["notes"])
    assert any("intermediate.int_unit_scores_weekly" in note for note in result["notes"])
    assert result["lift"] == pytest.approx(0.5 / 0.3)


def test_world_end_from_truth_weeks_without_a_manifest(tmp_path):
    world = (build_warehouse(tmp_path / "mqx.duckdb"), write_truth(tmp_path / "t", manifest=False))
    result = run(world)
    assert result["world_end_date"] == "2026-11-15"
    assert result["base_rate"] == pytest.approx(0.3)


def test_missing_inputs_raise_clear_errors(tmp_path, world):
    warehouse, truth = world
    with pytest.raises(EvaluationError, match="no warehouse at .*dbt build"):
        evaluate(tmp_path / "absent.duckdb", truth)
    with pytest.raises(EvaluationError, match="no truth folder"):
        evaluate(warehouse, tmp_path / "absent")
    (truth / "in_market_weeks.parquet").unlink()
    with pytest.raises(EvaluationError, match="in_market_weeks.parquet not found.*mqx.world"):
        evaluate(warehouse, truth)

    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(EvaluationError, match="no marts.tier_assignments.*dbt build"):
        evaluate(empty, write_truth(tmp_path / "truth2"))


def test_bounds():
    result = {"lift": 4.2, "ece": 0.04, "opportunity_coverage": None}
    assert check_bounds(result, {"min_lift": 4.0, "max_ece": 0.05}) == []
    failures = check_bounds(
        result, {"min_lift": 5.0, "max_ece": 0.03, "min_coverage": 0.5, "max_brier": None}
    )
    assert len(failures) == 3
    assert "needs >= 5" in failures[0]
    assert "needs <= 0.03" in failures[1]
    assert "could not be computed" in failures[2]


def test_command_line(world, tmp_path, capsys):
    warehouse, truth = (str(p) for p in world)
    out = tmp_path / "out.json"
    args = ["--duckdb", warehouse, "--truth", truth, "--coverage-weeks", "4"]
    assert main([*args, "--json", str(out), "--min-lift", "1.5", "--max-ece", "0.2"]) == 0
    printed = capsys.readouterr().out
    assert "lift 1.667" in printed
    saved = json.loads(out.read_text())
    assert saved["opportunity_coverage"] == pytest.approx(0.75)
    assert saved["failed_bounds"] == []

    assert main([*args, "--min-lift", "4"]) == 1
    assert "MQX lift over the base rate (lift) is 1.667, needs >= 4" in capsys.readouterr().err
    assert main([*args, "--min-coverage", "0.8"]) == 1

    assert main(["--duckdb", str(tmp_path / "absent.duckdb"), "--truth", truth]) == 2
    error = capsys.readouterr().err
    assert "no warehouse at" in error and "Traceback" not in error
