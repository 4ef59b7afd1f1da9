"""Two builds of the same input give identical results: every table of the intermediate
and marts schemas has the same row count and the same order-independent content checksum
in a second, independent `dbt build` of the small world. (Scores and money are summed as
exact decimals for this: DuckDB adds doubles up in whatever order its threads finish, and
the model fit would magnify the last-bit differences.)"""

from __future__ import annotations

import pytest
from dbt_harness import Build, run_dbt

SCHEMAS = ("intermediate", "marts")


@pytest.fixture(scope="module")
def second_build(small_world, tmp_path_factory) -> Build:
    build = run_dbt(["build"], small_world / "raw", tmp_path_factory.mktemp("second_build"))
    assert build.success, build.error or build.failures()
    return build


def test_two_builds_of_the_same_input_are_identical(small_world_build, second_build):
    first, second = small_world_build.checksums(SCHEMAS), second_build.checksums(SCHEMAS)
    assert len(first) > 20, f"too few tables compared: {sorted(first)}"
    assert first.keys() == second.keys()
    differing = {name: (first[name], second[name]) for name in first if first[name] != second[name]}
    assert not differing, f"tables that differ between two builds: {differing}"
