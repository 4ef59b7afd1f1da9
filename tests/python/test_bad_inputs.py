"""Bad inputs at the landing contract: each is cleaned, set aside with a reason an analyst
can see, or stops the build with a message naming the table, the column and the fix.

The cases live in ``bad_inputs.cases`` (Python that writes tiny raw roots; no data files).
Cases staging must absorb share ONE raw root and ONE ``dbt build`` of staging, each on
its own ids and files; every build-failure case runs its own minimal ``dbt run`` (the
landing hook runs first and fails fast).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bad_inputs.cases import FAILURE_CASES, STAGED_CASES, FailureCase, StagedCase
from bad_inputs.raw_files import write_base, write_bytes
from dbt_harness import Build, run_dbt

STAGING_BUILD = [
    "build",
    "--select",
    "+staging",
    "--exclude",
    "test_type:unit",
    "--indirect-selection",
    "cautious",
]


@pytest.fixture(scope="module")
def damaged_build(tmp_path_factory) -> Build:
    """The base world plus every non-failing case's damage, built once."""
    raw_root = tmp_path_factory.mktemp("bad_inputs_raw")
    write_base(raw_root)
    for case in STAGED_CASES:
        case.damage(raw_root)
    return run_dbt(STAGING_BUILD, raw_root, tmp_path_factory.mktemp("bad_inputs_build"))


def test_damaged_world_builds(damaged_build):
    """No bad row crashes the build; only warning tests may complain."""
    assert damaged_build.success, damaged_build.error
    errors = [r for r in damaged_build.failures() if r["status"] != "warn"]
    assert not errors, errors


def test_damaged_world_reconciles(damaged_build):
    """raw = staged + set aside + deleted + duplicate, for every source table."""
    rows = damaged_build.query(
        "select source_table_id, raw_rows, coalesce(staged_rows, 0)"
        " + coalesce(set_aside_rows, 0) + coalesce(deleted_rows, 0)"
        " + coalesce(duplicate_rows, 0) from staging.stg_audit__row_reconciliation"
    )
    # (an empty table's counts come out NULL rather than 0: sum() over no rows; reported)
    assert rows, "reconciliation is empty"
    unbalanced = [r for r in rows if r[1] != r[2]]
    assert not unbalanced, unbalanced
    assert _test_status_ok(damaged_build, "assert_raw_rows_reconcile")


def _test_status_ok(build: Build, fragment: str) -> bool:
    statuses = [r["status"] for r in build.results if fragment in r["unique_id"]]
    return bool(statuses) and all(s == "pass" for s in statuses)


@pytest.mark.parametrize("case", STAGED_CASES, ids=[c.name for c in STAGED_CASES])
def test_staged_case(case: StagedCase, damaged_build):
    if not damaged_build.success:
        pytest.fail(f"the shared build failed, so no case can be judged: {damaged_build.error}")
    case.check(damaged_build)


@pytest.fixture(scope="module")
def failure_paths(tmp_path_factory) -> tuple[Path, Path]:
    """One raw root path and one work folder that every failure case reuses in turn.

    Same paths, same env vars: dbt's partial parse from the previous case stays valid,
    so only the first case pays for a full parse."""
    return tmp_path_factory.mktemp("failure_raw") / "raw", tmp_path_factory.mktemp("failure")


@pytest.mark.parametrize("case", FAILURE_CASES, ids=[c.name for c in FAILURE_CASES])
def test_failure_case(case: FailureCase, failure_paths):
    raw_root, workdir = failure_paths
    shutil.rmtree(raw_root, ignore_errors=True)
    write_base(raw_root)
    case.damage(raw_root)
    build = run_dbt(["run", "--select", case.select], raw_root, workdir)
    assert not build.success, f"{case.name}: the build should have failed"
    message = build.error or " ".join(str(r["message"]) for r in build.failures())
    assert "Traceback" not in message, message
    missing = [f for f in case.message_fragments if f not in message]
    assert not missing, f"{case.name}: message lacks {missing}: {message}"


def test_optional_table_with_only_an_empty_file_is_an_empty_input(failure_paths):
    """Contract: a table whose folder is missing or empty is an empty input. A 0-byte
    file (a connector that delivered nothing) as the only file of an optional table is
    the same: no rows, no error."""
    raw_root, workdir = failure_paths
    shutil.rmtree(raw_root, ignore_errors=True)
    write_base(raw_root)
    write_bytes(raw_root, "marketo", "activity_fill_out_form", "today.csv", b"")
    build = run_dbt(["run", "--select", "base_marketo__form_fills"], raw_root, workdir)
    assert build.success, build.error or build.failures()
    assert build.scalar("select count(*) from staging.base_marketo__form_fills") == 0
