"""The Great Expectations suite over the public marts (mqx.expectations).

On the small world's build every expectation passes and Data Docs are written; on a
tampered copy of the warehouse the suite fails and names the mart, the column, the
expectation and the row; changing the configuration (a seed in the warehouse, a dbt var)
changes what the suite expects. Great Expectations is imported once, in-process.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from mqx import expectations

PUBLIC_MARTS = (
    "tier_assignments",
    "hand_raisers",
    "mqx",
    "mex",
    "accounts",
    "people",
    "signals",
    "ev_thresholds",
    "propensity_calibration",
    "tier_conversion",
    "sla_compliance",
    "pipeline_metrics",
    "legacy_mql_audit",
    "tier_history",
    "rejection_feedback",
    "tier_entries",
    "tier_transitions",
    "sla_compliance_by_owner",
    "legacy_mql_summary",
)


def _copy(build, tmp_path: Path) -> Path:
    copy = tmp_path / "tampered" / build.duckdb_path.name  # the name its views were built under
    copy.parent.mkdir()
    shutil.copyfile(build.duckdb_path, copy)
    return copy


def _first(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    row = con.execute(sql).fetchone()
    assert row is not None, f"the small world has no row for: {sql}"
    return row[0]


@pytest.fixture(scope="module")
def clean(small_world_build, tmp_path_factory):
    """The suite run once on the untouched build, with Data Docs."""
    docs = tmp_path_factory.mktemp("expectations_docs")
    variables = expectations.project_vars(expectations.PROJECT_DIR)
    report = expectations.validate(small_world_build.duckdb_path, docs, variables)
    return report, docs


def test_clean_build_passes_every_expectation(clean):
    report, _ = clean
    assert report.success, "\n".join(report.failures)
    names = {outcome.suite.name for outcome in report.outcomes}
    missing = {f"marts.{mart}" for mart in PUBLIC_MARTS} - names
    assert not missing, f"public marts without a suite: {sorted(missing)}"
    for outcome in report.outcomes:
        # every expectation of the spec was evaluated, on a frame that has rows
        assert outcome.evaluated == len(outcome.suite.checks), outcome.suite.name
        assert outcome.rows > 0, f"{outcome.suite.name} validated an empty frame"


def test_data_docs_index_lists_every_suite(clean):
    report, docs = clean
    assert report.docs_index == docs / "index.html"
    index = report.docs_index.read_text()
    for outcome in report.outcomes:
        assert outcome.suite.name in index, f"Data Docs index does not list {outcome.suite.name}"
        group, name = outcome.suite.name.split(".")
        pages = list((docs / "validations" / group / name).rglob("*.html"))
        assert len(pages) == 1, f"expected one validation page for {outcome.suite.name}"


def test_tampered_warehouse_fails_naming_mart_column_and_row(small_world_build, tmp_path, capsys):
    copy = _copy(small_world_build, tmp_path)
    with duckdb.connect(str(copy)) as con:
        unsure = _first(
            con,
            "select min(tier_assignment_id) from marts.tier_assignments "
            "where tier = 'none' and not is_excluded",
        )
        con.execute(
            "update marts.tier_assignments set p_in_market = 1.5 where tier_assignment_id = ?",
            [unsure],
        )
        # a nurtured account also copied into mqx: one unit in two tier tables
        doubled = _first(con, "select min(tier_assignment_id) from marts.mex")
        con.execute(
            "insert into marts.mqx select * replace ('mqx' as tier) from marts.mex "
            "where tier_assignment_id = ?",
            [doubled],
        )
        # a lead promoted to hand-raiser without any request, and a real hand-raiser
        # (a lead, so the account tier tables stay as they are) demoted to mex
        promoted = _first(
            con,
            "select min(tier_assignment_id) from marts.tier_assignments "
            "where tier = 'mex' and unit_type = 'lead'",
        )
        demoted = _first(
            con,
            "select min(tier_assignment_id) from marts.tier_assignments "
            "where tier = 'hand_raiser' and unit_type = 'lead'",
        )
        con.execute(
            "update marts.tier_assignments set tier = case tier_assignment_id "
            "when ? then 'hand_raiser' else 'mex' end where tier_assignment_id in (?, ?)",
            [promoted, promoted, demoted],
        )

    code = expectations.main(["--duckdb", str(copy), "--docs", str(tmp_path / "docs")])
    out, err = capsys.readouterr()
    assert code == 1
    assert "FAIL  marts.tier_assignments" in out
    assert "PASS  marts.signals" in out
    assert (tmp_path / "docs" / "index.html").is_file()
    failures = [line for line in err.splitlines() if line.startswith("  - ")]

    def failure(*parts: str) -> str:
        found = [line for line in failures if all(part in line for part in parts)]
        assert found, f"no failure naming {parts} in:\n{err}"
        return found[0]

    failure(
        "marts.tier_assignments: column p_in_market:",
        "expect_column_values_to_be_between",
        "1.5",
        unsure,
    )
    failure(
        "cross_mart.tier_exclusivity",
        "marts.mqx",
        "column tier_mart_rows:",
        "expect_column_values_to_be_between",
        doubled,
    )
    failure(
        "cross_mart.hand_raise_requests",
        "column hand_raise_requests where tier == 'hand_raiser':",
        promoted,
    )
    failure(
        "cross_mart.hand_raise_requests",
        "column hand_raise_requests where tier != 'hand_raiser' and is_excluded == False:",
        demoted,
    )
    # nothing else is blamed: every failure names one of the tampered units
    tampered = (unsure, doubled, promoted, demoted)
    stray = [line for line in failures if not any(unit in line for unit in tampered)]
    assert not stray, "failures on untouched rows:\n" + "\n".join(stray)


def test_outcome_marts_fail_naming_the_tampered_rows(small_world_build, tmp_path, capsys):
    """One broken rule in each of tier_entries, tier_transitions, sla_compliance_by_owner
    and legacy_mql_summary: each fails, naming the row, and nothing else does."""
    copy = _copy(small_world_build, tmp_path)
    with duckdb.connect(str(copy)) as con:
        touched = _first(
            con,
            "select min(tier_entry_id) from marts.tier_entries where first_touch_at is not null",
        )
        con.execute(
            "update marts.tier_entries set first_touch_at = tier_entered_at - interval 1 day "
            "where tier_entry_id = ?",
            [touched],
        )
        unchanged = _first(
            con,
            "select min(tier_transition_id) from marts.tier_transitions where not is_history_start",
        )
        con.execute(
            "update marts.tier_transitions set to_tier = from_tier where tier_transition_id = ?",
            [unchanged],
        )
        lost = _first(con, "select min(sla_owner_id) from marts.sla_compliance_by_owner")
        con.execute(
            "update marts.sla_compliance_by_owner set entries = entries + 1 where sla_owner_id = ?",
            [lost],
        )
        converted = _first(
            con,
            "select min(legacy_mql_summary_id) from marts.legacy_mql_summary "
            "where view_name = 'tier_at_first_mql'",
        )
        con.execute(
            "update marts.legacy_mql_summary set people_converted = people_window_complete + 1 "
            "where legacy_mql_summary_id = ?",
            [converted],
        )

    code = expectations.main(["--duckdb", str(copy)])
    out, err = capsys.readouterr()
    assert code == 1
    failures = [line for line in err.splitlines() if line.startswith("  - ")]
    expected = {
        touched: "marts.tier_entries: column first_touch_at, tier_entered_at:",
        unchanged: "marts.tier_transitions: column from_tier, to_tier:",
        lost: "marts.sla_compliance_by_owner: column entries, entries_met_breached_or_open:",
        converted: "marts.legacy_mql_summary: column people_window_complete, people_converted:",
    }
    for row, names in expected.items():
        assert any(names in line and row in line for line in failures), (
            f"no failure naming {names!r} and row {row!r} in:\n{err}"
        )
    assert len(failures) == len(expected), "failures on untouched rules:\n" + "\n".join(failures)
    for mart in ("tier_entries", "tier_transitions", "sla_compliance_by_owner"):
        assert f"FAIL  marts.{mart}" in out


def test_rules_follow_the_configuration(small_world_build, tmp_path):
    """The SLA hours come from the playbooks seed the build loaded, the tier tables'
    unit type from the var mqx_unit: change either and the clean marts no longer fit."""
    copy = _copy(small_world_build, tmp_path)
    with duckdb.connect(str(copy)) as con:
        schema = _first(
            con,
            "select table_schema from information_schema.tables where table_name = 'playbooks'",
        )
        hours = _first(con, f"select sla_hours from {schema}.playbooks where tier = 'mqx'")
        con.execute(f"update {schema}.playbooks set sla_hours = sla_hours * 2 where tier = 'mqx'")
    variables = expectations.project_vars(expectations.PROJECT_DIR, "{mqx_unit: lead}")
    report = expectations.validate(copy, None, variables)
    assert not report.success
    assert report.docs_index is None
    failures = "\n".join(report.failures)
    assert f"('mqx', {hours})" in failures  # the mart's hours, not the seed's doubled ones
    assert "marts.sla_compliance: column tier, sla_hours:" in failures
    assert "marts.mqx: column unit_type:" in failures and "mqx_unit (lead)" in failures


def test_missing_mart_is_an_input_error_naming_it(small_world_build, tmp_path, capsys):
    copy = _copy(small_world_build, tmp_path)
    with duckdb.connect(str(copy)) as con:
        con.execute("drop table marts.mex")
    assert expectations.main(["--duckdb", str(copy)]) == 2
    err = capsys.readouterr().err
    assert "marts.mex" in err and "dbt build" in err


def test_renamed_warehouse_is_an_input_error_naming_the_view(small_world_build, tmp_path, capsys):
    renamed = tmp_path / "renamed.duckdb"  # dbt built it as mqx.duckdb: its views say mqx
    shutil.copyfile(small_world_build.duckdb_path, renamed)
    assert expectations.main(["--duckdb", str(renamed)]) == 2
    err = capsys.readouterr().err
    assert "own file name" in err and "Traceback" not in err, err
    assert re.search(r"marts\.(signals|tier_history)\b", err), err


def test_missing_warehouse_is_an_input_error(tmp_path, capsys):
    missing = tmp_path / "nowhere.duckdb"
    assert expectations.main(["--duckdb", str(missing)]) == 2
    err = capsys.readouterr().err
    assert str(missing) in err and "dbt build" in err
