"""Decision quality of the tiers on the small generated world, against its truth.

The bounds are loose (a 200-account world has a handful of in-market accounts), but they
fail as soon as the tiers stop separating buying intent from noise: MQX accounts must be
in market far more often than accounts at large, and P(in-market) must stay calibrated on
the held-out weeks. The full-size figures are in the README and the issue notes
(`make demo && make evaluate`).
"""

from __future__ import annotations

import pytest

from mqx.evaluate import evaluate


@pytest.fixture(scope="module")
def quality(small_world, small_world_build) -> dict:
    return evaluate(str(small_world_build.duckdb_path), str(small_world / "truth"))


def test_mqx_accounts_are_in_market_far_above_the_base_rate(quality):
    assert quality["tier_counts"].get("mqx", 0) > 0, quality["tier_counts"]
    assert quality["base_rate"] > 0
    assert quality["lift"] >= 2.0, quality


def test_hand_raisers_are_in_market_more_often_than_the_base_rate(quality):
    share = quality["hand_raiser_in_market_share"]
    assert share is not None and share > quality["base_rate"], quality


def test_propensity_is_calibrated_on_held_out_weeks(quality):
    assert quality["ece"] is not None and quality["ece"] <= 0.08, quality
    assert quality["brier"] is not None and quality["brier"] < quality["base_rate"] * 2 + 0.05


def test_most_new_opportunities_were_already_in_a_tier(quality):
    assert quality["opportunity_coverage"] is not None
    assert quality["opportunity_coverage"] >= 1 / 3, quality
