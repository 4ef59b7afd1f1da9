"""The project's own generic data tests (tests/generic) catch what they are meant to:
each compiled test of the small world's build is run again on a copy of the warehouse
with a defect put in, and must return exactly the failing rows the defect makes."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest


@pytest.fixture(scope="module")
def compiled_tests(small_world_build) -> dict[str, dict]:
    """Each executed data test of the build: its node and its compiled SQL."""
    run_results = json.loads((small_world_build.target_path / "run_results.json").read_text())
    compiled = {r["unique_id"]: r.get("compiled_code") for r in run_results["results"]}
    nodes = small_world_build.manifest()["nodes"]
    return {
        uid: {"node": nodes[uid], "sql": sql}
        for uid, sql in compiled.items()
        if uid.startswith("test.") and sql and "test_metadata" in nodes[uid]
    }


@pytest.fixture()
def warehouse_copy(small_world_build, tmp_path):
    """A writable copy of the small world's warehouse, named as dbt's (the SQL names it)."""
    path = tmp_path / small_world_build.duckdb_path.name
    shutil.copyfile(small_world_build.duckdb_path, path)
    with duckdb.connect(str(path)) as con:
        yield con


def _tests_named(compiled_tests: dict[str, dict], name: str) -> list[dict]:
    found = [t for t in compiled_tests.values() if t["node"]["test_metadata"]["name"] == name]
    assert found, f"no {name} test ran in the build"
    return found


def _relation(con, test: dict) -> str | None:
    """The tested model's table, or None when it is a view (no NULL can be put in)."""
    model = test["node"]["attached_node"].split(".")[-1]
    rows = con.execute(
        "select schema_name from duckdb_tables() where table_name = ?", [model]
    ).fetchall()
    return f'"{rows[0][0]}"."{model}"' if rows else None


def test_not_null_columns_names_each_column_with_nulls(compiled_tests, warehouse_copy):
    con = warehouse_copy
    checked = 0
    for test in _tests_named(compiled_tests, "not_null_columns"):
        relation = _relation(con, test)
        if relation is None or con.execute(f"select count(*) from {relation}").fetchone()[0] < 3:
            continue
        columns = test["node"]["test_metadata"]["kwargs"]["column_names"]
        assert con.execute(test["sql"]).fetchall() == [], test["node"]["name"]
        # two columns made NULL: on two rows and on one row
        first, last = columns[0], columns[-1]
        try:
            con.execute("begin")
            con.execute(
                f"update {relation} set {first} = null "
                f"where rowid in (select rowid from {relation} limit 2)"
            )
            con.execute(
                f"update {relation} set {last} = null "
                f"where rowid in (select rowid from {relation} order by rowid desc limit 1)"
            )
        except duckdb.ConstraintException:
            # an enforced contract refuses the NULL before any test could see it
            con.execute("rollback")
            continue
        rows = sorted(con.execute(test["sql"]).fetchall())
        con.execute("rollback")
        assert rows == sorted([(first, 2), (last, 1)]), (test["node"]["name"], rows)
        checked += 1
    assert checked >= 10, f"only {checked} not_null_columns tests could be checked"
