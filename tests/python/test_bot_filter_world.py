"""Staging's bot filter measured on the small generated world against its truth: the
issue's targets, at least 99% of machine-made opens and clicks removed and at most 1% of
human ones, and the same for crawler page views."""

from __future__ import annotations

import pytest

from mqx.bot_eval import TARGET_HUMAN_REMOVED, TARGET_MACHINE_REMOVED, measure_bot_filter


@pytest.fixture(scope="module")
def measured(small_world, small_world_build) -> dict:
    return measure_bot_filter(small_world_build.duckdb_path, small_world / "truth")


@pytest.mark.parametrize("channel", ["email", "web"])
def test_machine_activity_is_removed(measured, channel):
    machine = measured[channel]["machine"]
    assert machine["total"] > 0, f"the world has no machine {channel} activity to judge"
    assert machine["removed_share"] >= TARGET_MACHINE_REMOVED, measured[channel]


@pytest.mark.parametrize("channel", ["email", "web"])
def test_human_activity_is_kept(measured, channel):
    human = measured[channel]["human"]
    assert human["total"] > 0
    assert human["removed_share"] <= TARGET_HUMAN_REMOVED, measured[channel]


def test_every_email_activity_was_judged(measured):
    """Every open and click in the truth reached the bot filter (none lost on the way)."""
    assert measured["email"]["unjudged"] == 0


def test_apple_privacy_opens_and_scanner_bursts_are_both_caught(measured):
    kinds = measured["email"]["by_kind"]
    for kind in ("apple_mpp", "security_scanner"):
        assert kinds[kind]["removed_share"] >= TARGET_MACHINE_REMOVED, kinds[kind]
