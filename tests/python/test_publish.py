"""Safe publishing for BI readers (mqx.publish).

The small world's build is the source ("build A"); a copy of it with one row removed from
every mart is "build B". Readers run in separate processes, as a BI tool would, and check
every table of the file they opened against the file's own `_publish_manifest` (row count
and content checksum), so reading a table of one build next to the manifest of another is
caught. A negative control publishes in place, table by table, to show that the same
reader check catches an unsafe publish.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from dbt_harness import REPO

from mqx import publish as pub

# A BI reader: open read-only, verify every table against the manifest, close; repeat.
READER_LOOP = """
import json, sys, time
from pathlib import Path
import duckdb
from mqx.publish import verify_connection

path, stop, ready, out = sys.argv[1:5]
seen, failures, iterations = {}, [], 0
deadline = time.monotonic() + float(sys.argv[5] if len(sys.argv) > 5 else 120)
while not Path(stop).exists() and time.monotonic() < deadline:
    try:
        con = duckdb.connect(path, read_only=True)
        try:
            build = verify_connection(con)
        finally:
            con.close()
        seen[build.publish_id] = seen.get(build.publish_id, 0) + 1
    except Exception as exc:
        failures.append(f"{type(exc).__name__}: {exc}"[:300])
    iterations += 1
    if iterations == 1:
        Path(ready).touch()
    time.sleep(0.02)  # as a BI tool would between queries; lets a blocked writer in
Path(out).write_text(json.dumps({"iterations": iterations, "seen": seen, "failures": failures}))
"""

# A BI reader that keeps one connection open while new builds are published.
READER_HOLD = """
import json, sys, time
from pathlib import Path
import duckdb
from mqx.publish import verify_connection

path, go, ready, out = sys.argv[1:5]
con = duckdb.connect(path, read_only=True)
first = verify_connection(con).publish_id
Path(ready).touch()
held, failures = [], []
deadline = time.monotonic() + 120
while not Path(go).exists() and time.monotonic() < deadline:
    try:
        held.append(verify_connection(con).publish_id)
    except Exception as exc:
        failures.append(f"{type(exc).__name__}: {exc}"[:300])
held.append(verify_connection(con).publish_id)
con.close()
con = duckdb.connect(path, read_only=True)
fresh = verify_connection(con).publish_id
con.close()
Path(out).write_text(json.dumps(
    {"first": first, "held": held, "fresh": fresh, "failures": failures}
))
"""

# Holds the work file open read-write, as a running dbt build does.
WRITER_HOLD = """
import sys, time
from pathlib import Path
import duckdb
con = duckdb.connect(sys.argv[1])
Path(sys.argv[2]).touch()
time.sleep(30)
"""


@dataclass
class Sources:
    a: Path  # the small world's build
    b: Path  # build A with the first row of every mart removed
    target_path: Path  # dbt's manifest.json and run_results.json of build A
    marts: list[str]
    published_a: Path  # build A and build B, each published once
    published_b: Path


def _quiet(_: str) -> None:
    pass


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO / "python")}


def _start(script: str, *args: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(path: Path, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(f"helper process exited early: {process.communicate()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"helper process did not create {path} within {seconds} s")
        time.sleep(0.02)


def _finish(process: subprocess.Popen, out: Path) -> dict:
    try:
        _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, f"reader process failed: {stderr}"
    return json.loads(out.read_text())


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".wal")))


@pytest.fixture(scope="module")
def sources(small_world_build, tmp_path_factory) -> Sources:
    folder = tmp_path_factory.mktemp("publish_sources")
    # the file name dbt built it under: its views name their tables in that catalog
    b = folder / "build_b" / small_world_build.duckdb_path.name
    b.parent.mkdir()
    shutil.copyfile(small_world_build.duckdb_path, b)
    with duckdb.connect(str(b)) as con:
        marts = _mart_relations(con)
        for name, is_view in marts.items():
            if is_view:  # B's copy of a view mart is a table with a row less
                con.execute(f"create table marts.{name}__rows as select * from marts.{name}")
                con.execute(f"drop view marts.{name}")
                con.execute(f"alter table marts.{name}__rows rename to {name}")
            con.execute(
                f"delete from marts.{name} where rowid = (select min(rowid) from marts.{name})"
            )
    a, target_path = small_world_build.duckdb_path, small_world_build.target_path
    published_a, published_b = folder / "published_a.duckdb", folder / "published_b.duckdb"
    pub.publish(a, published_a, target_path=target_path, log=_quiet)
    pub.publish(b, published_b, target_path=target_path, log=_quiet)
    return Sources(a, b, target_path, sorted(marts), published_a, published_b)


def _mart_relations(con: duckdb.DuckDBPyConnection, database: str | None = None) -> dict:
    """The tables and views of schema marts of a database: name -> is a view."""
    where = f"database_name = '{database}'" if database else "database_name = current_database()"
    return dict(
        con.execute(
            f"select table_name, false from duckdb_tables() where {where} "
            f"and schema_name = 'marts' union all select view_name, true from duckdb_views() "
            f"where {where} and schema_name = 'marts' order by 1"
        ).fetchall()
    )


def _publish(source: Path, target: Path, sources: Sources, **kwargs) -> pub.PublishResult:
    return pub.publish(source, target, target_path=sources.target_path, log=_quiet, **kwargs)


def _published_a(sources: Sources, target: Path) -> str:
    """Put a copy of the published build A at target; returns its publish id."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sources.published_a, target)
    return pub.verify(target).publish_id


def _copy_without(source: Path, folder: Path, table: str) -> Path:
    copy = folder / f"without_{table}" / source.name  # the name its views were built under
    copy.parent.mkdir()
    shutil.copyfile(source, copy)
    with duckdb.connect(str(copy)) as con:
        kind = "view" if _mart_relations(con)[table] else "table"
        con.execute(f"drop {kind} marts.{table}")
    return copy


# --- what a publish writes ----------------------------------------------------------------


def test_publish_copies_every_mart_exactly(sources, tmp_path):
    target = tmp_path / "bi" / "mqx_bi.duckdb"
    manifest_marts = sorted(
        node["alias"]
        for node in json.loads((sources.target_path / "manifest.json").read_text())[
            "nodes"
        ].values()
        if node["resource_type"] == "model" and node["schema"] == "marts"
    )
    result = _publish(sources.a, target, sources)

    assert [t.name for t in result.tables] == manifest_marts
    assert len(manifest_marts) >= 20, manifest_marts
    # a view mart is published as a table with the NOT NULL columns of its contract
    view_not_null = {
        (node["alias"], column["name"])
        for node in json.loads((sources.target_path / "manifest.json").read_text())[
            "nodes"
        ].values()
        if node["resource_type"] == "model"
        and node["schema"] == "marts"
        and node["config"]["materialized"] == "view"
        for column in node["columns"].values()
        if any(c["type"] == "not_null" for c in column.get("constraints", []))
    }
    assert ("tier_history", "tier_history_id") in view_not_null, view_not_null
    with duckdb.connect(str(target), read_only=True) as con:
        # under its own name (mqx): its views name their tables in that catalog
        con.execute(f"attach '{sources.a}' (read_only)")
        work = sources.a.stem
        for name in manifest_marts:
            differing = con.execute(
                f"select (select count(*) from (select * from marts.{name} except all "
                f"select * from {work}.marts.{name})) + (select count(*) from ("
                f"select * from {work}.marts.{name} except all select * from marts.{name}))"
            ).fetchone()[0]
            assert differing == 0, f"marts.{name}: {differing} rows differ from the work file"
        views = {name for name, is_view in _mart_relations(con, work).items() if is_view}
        assert {name for name, _ in view_not_null} < views, views

        def catalog(database: str, sql: str) -> set[tuple]:
            return set(con.execute(sql.format(db=database)).fetchall())

        columns = (
            "select table_name, column_index, column_name, data_type, comment "
            "from duckdb_columns() where database_name = '{db}' and schema_name = 'marts'"
        )
        assert catalog("mqx_bi", columns) == catalog(work, columns), "columns differ"
        not_null = (
            "select table_name, column_name from duckdb_columns() where database_name = '{db}' "
            "and schema_name = 'marts' and not is_nullable::boolean"
        )
        assert catalog("mqx_bi", not_null) == catalog(work, not_null) | view_not_null
        constraints = (
            "select table_name, constraint_type, array_to_string(constraint_column_names, ',') "
            "from duckdb_constraints() where database_name = '{db}' and schema_name = 'marts'"
        )
        published = catalog("mqx_bi", constraints)
        assert published == catalog(work, constraints) | {
            (name, "NOT NULL", column) for name, column in view_not_null
        }, "constraints differ"
        assert sum(row[1] == "NOT NULL" for row in published) > len(view_not_null)
        comments = (
            "select table_name, comment from duckdb_tables() where database_name = '{db}' "
            "and schema_name = 'marts'"
        )
        view_comments = (
            "select view_name, comment from duckdb_views() where database_name = '{db}' "
            "and schema_name = 'marts'"
        )
        assert catalog("mqx_bi", comments) == catalog(work, comments) | catalog(
            work, view_comments
        ), "table comments differ"
        manifest = con.execute(
            "select distinct publish_id, dbt_invocation_id from main._publish_manifest"
        ).fetchall()
    run_results = json.loads((sources.target_path / "run_results.json").read_text())
    assert manifest == [(result.publish_id, run_results["metadata"]["invocation_id"])]
    assert pub.verify(target).publish_id == result.publish_id
    assert _leftovers(target.parent) == []


def test_verify_catches_a_file_changed_in_place(sources, tmp_path):
    """The reader check must see a change that keeps every row count."""
    target = tmp_path / "mqx_bi.duckdb"
    _published_a(sources, target)
    with duckdb.connect(str(target)) as con:
        con.execute(
            "update marts.accounts set account_name = coalesce(account_name, '') || ' (edited)' "
            "where rowid = (select min(rowid) from marts.accounts)"
        )
    with pytest.raises(pub.PublishError, match=r"marts\.accounts does not match.*checksum"):
        pub.verify(target)

    _published_a(sources, target)
    with duckdb.connect(str(target)) as con:
        con.execute("create table marts.extra as select 1 as x")
    with pytest.raises(pub.PublishError, match=r"not in the manifest \['extra'\]"):
        pub.verify(target)


# --- refusals leave the published file as it was ------------------------------------------


def test_refuses_a_work_file_that_lacks_a_mart(sources, tmp_path, capsys):
    target = tmp_path / "bi" / "mqx_bi.duckdb"
    before = _published_a(sources, target)
    broken = _copy_without(sources.a, tmp_path, "mqx")

    with pytest.raises(pub.PublishError, match=r"lacks mart\(s\) marts\.mqx"):
        _publish(broken, target, sources)
    code = pub.main(
        ["--from", str(broken), "--to", str(target), "--target-path", str(sources.target_path)]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "lacks mart(s) marts.mqx" in err and "Traceback" not in err
    assert pub.verify(target).publish_id == before
    assert _leftovers(target.parent) == []


def test_refuses_to_drop_a_published_table_without_a_manifest(sources, tmp_path):
    target = tmp_path / "mqx_bi.duckdb"
    before = _published_a(sources, target)
    broken = _copy_without(sources.a, tmp_path, "signals")
    with pytest.raises(pub.PublishError, match=r"publishes signals and this build would not"):
        pub.publish(broken, target, target_path=None, log=_quiet)
    assert pub.verify(target).publish_id == before

    after = pub.publish(broken, target, target_path=None, allow_drop=True, log=_quiet)
    assert "signals" not in {t.name for t in pub.verify(target).tables}
    assert after.publish_id != before


def test_refuses_after_a_failed_build(sources, tmp_path):
    target_path = tmp_path / "target"
    target_path.mkdir()
    shutil.copyfile(sources.target_path / "manifest.json", target_path / "manifest.json")
    run_results = json.loads((sources.target_path / "run_results.json").read_text())
    run_results["results"][-1]["status"] = "skipped"
    failed_node = run_results["results"][-1]["unique_id"]
    (target_path / "run_results.json").write_text(json.dumps(run_results))
    with pytest.raises(pub.PublishError, match=rf"did not succeed: 1 node.*{failed_node}"):
        pub.publish(sources.a, tmp_path / "bi.duckdb", target_path=target_path, log=_quiet)
    assert not (tmp_path / "bi.duckdb").exists()


def test_refuses_an_unreadable_or_locked_work_file(sources, tmp_path, capsys):
    target = tmp_path / "mqx_bi.duckdb"
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"not a duckdb file" * 1000)
    code = pub.main(["--from", str(garbage), "--to", str(target), "--target-path", "none"])
    err = capsys.readouterr().err
    assert code == 2 and "cannot read the work file" in err and "Traceback" not in err
    code = pub.main(["--from", str(tmp_path / "absent.duckdb"), "--to", str(target)])
    assert code == 2 and "no work file at" in capsys.readouterr().err

    locked = tmp_path / "locked.duckdb"
    shutil.copyfile(sources.a, locked)
    ready = tmp_path / "writer.ready"
    writer = _start(WRITER_HOLD, locked, ready)
    try:
        _wait_for(ready, writer)
        with pytest.raises(pub.PublishError, match="is a dbt build still running"):
            _publish(locked, target, sources)
    finally:
        writer.kill()
        writer.wait()
    assert not target.exists()
    assert _leftovers(tmp_path) == []


def test_refuses_a_view_mart_that_breaks_its_contract(sources, tmp_path):
    """A view enforces no constraint: publish creates its copy with the contract's NOT NULL
    columns, and a NULL there refuses the publish, naming the mart and the column."""
    target = tmp_path / "bi" / "mqx_bi.duckdb"
    before = _published_a(sources, target)
    broken = tmp_path / "null_key" / sources.a.name
    broken.parent.mkdir()
    shutil.copyfile(sources.a, broken)
    catalog = broken.stem
    with duckdb.connect(str(broken)) as con:
        assert _mart_relations(con)["tier_history"], "tier_history is no longer a view"
        con.execute("create table marts.tier_history_rows as select * from marts.tier_history")
        con.execute(
            "update marts.tier_history_rows set tier_history_id = null "
            "where rowid = (select min(rowid) from marts.tier_history_rows)"
        )
        con.execute(
            "create or replace view marts.tier_history as "
            f"select * from {catalog}.marts.tier_history_rows"
        )
    with pytest.raises(
        pub.PublishError, match=r"marts\.tier_history\.tier_history_id: the contract says NOT NULL"
    ):
        _publish(broken, target, sources)
    assert pub.verify(target).publish_id == before
    assert _leftovers(target.parent) == []


def test_refuses_a_work_file_renamed_after_the_build(sources, tmp_path, capsys):
    """dbt's views name their tables in the catalog dbt opened the file under (mqx): under
    another file name they cannot be read, and publish says which view and why."""
    target = tmp_path / "bi" / "mqx_bi.duckdb"
    before = _published_a(sources, target)
    renamed = tmp_path / "renamed.duckdb"
    shutil.copyfile(sources.a, renamed)
    code = pub.main(
        ["--from", str(renamed), "--to", str(target), "--target-path", str(sources.target_path)]
    )
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and "'renamed'" in err, err
    named = re.search(r"cannot copy marts\.(\w+)", err)
    assert named and named.group(1) in {"signals", "tier_history"}, err
    assert pub.verify(target).publish_id == before
    assert _leftovers(target.parent) == []


def test_refuses_a_published_file_named_like_the_work_file(sources, tmp_path, capsys):
    """The published file mqx.duckdb (in another folder) would take the catalog name mqx
    that the work file's views read through: refused up front, saying so."""
    target = tmp_path / "bi" / "mqx.duckdb"
    code = pub.main(
        ["--from", str(sources.a), "--to", str(target), "--target-path", str(sources.target_path)]
    )
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err, err
    assert "named like the work file (mqx.duckdb)" in err and "'mqx'" in err, err
    assert not target.exists()
    assert _leftovers(target.parent) == []


def test_refuses_when_someone_opened_the_published_file_read_write(sources, tmp_path):
    target = tmp_path / "mqx_bi.duckdb"
    before = _published_a(sources, target)
    Path(f"{target}.wal").write_bytes(b"left by a read-write client")
    with pytest.raises(pub.PublishError, match=r"mqx_bi\.duckdb\.wal exists.*read-only"):
        _publish(sources.b, target, sources)
    Path(f"{target}.wal").unlink()
    assert pub.verify(target).publish_id == before


# --- readers during publishing ------------------------------------------------------------


def test_readers_never_see_a_mix_while_builds_are_published(sources, tmp_path):
    target = tmp_path / "bi" / "mqx_bi.duckdb"
    published = {_published_a(sources, target): "A"}
    stop, ready, out = tmp_path / "stop", tmp_path / "ready", tmp_path / "reader.json"
    reader = _start(READER_LOOP, target, stop, ready, out)
    try:
        _wait_for(ready, reader)
        for source, label in [(sources.b, "B"), (sources.a, "A"), (sources.b, "B")]:
            published[_publish(source, target, sources).publish_id] = label
            time.sleep(0.5)
    finally:
        stop.touch()
    seen = _finish(reader, out)

    assert seen["failures"] == [], f"the reader failed: {seen['failures'][:5]}"
    assert seen["iterations"] > 20, seen
    assert set(seen["seen"]) <= set(published), "the reader saw a publish nobody made"
    assert {published[publish_id] for publish_id in seen["seen"]} == {"A", "B"}, seen
    assert _leftovers(target.parent) == []


def test_publish_completes_while_a_reader_holds_the_file(sources, tmp_path):
    target = tmp_path / "mqx_bi.duckdb"
    old = _published_a(sources, target)
    go, ready, out = tmp_path / "go", tmp_path / "ready", tmp_path / "holder.json"
    holder = _start(READER_HOLD, target, go, ready, out)
    try:
        _wait_for(ready, holder)
        started = time.perf_counter()
        new = _publish(sources.b, target, sources)
        seconds = time.perf_counter() - started
        assert pub.verify(target).publish_id == new.publish_id
    finally:
        go.touch()
    held = _finish(holder, out)

    assert seconds < 30, f"publishing took {seconds:.1f} s while a reader held the file"
    assert held["failures"] == []
    assert held["first"] == old
    assert set(held["held"]) == {old}, "the open connection changed builds"
    assert held["fresh"] == new.publish_id, "a new connection did not see the new build"


def test_negative_control_an_in_place_publish_is_caught(sources, tmp_path):
    """Publishing by writing into the published file, table by table (as building into the
    file BI reads would), shows readers a mix or an error: the reader check can fail."""
    target = tmp_path / "mqx_bi.duckdb"
    _published_a(sources, target)
    b_published = sources.published_b

    def write_in_place(sql: str) -> int:
        deadline, blocked = time.monotonic() + 60, 0
        while True:
            try:
                con = duckdb.connect(str(target))
                break
            except duckdb.IOException:  # a reader holds the file: the writer is blocked
                blocked += 1
                assert time.monotonic() < deadline, "writer blocked for 60 s"
                time.sleep(0.01)
        try:
            con.execute(f"attach '{b_published}' as b (read_only)")
            con.execute(sql)
        finally:
            con.close()
        return blocked

    stop, ready, out = tmp_path / "stop", tmp_path / "ready", tmp_path / "reader.json"
    reader = _start(READER_LOOP, target, stop, ready, out)
    blocked = 0
    try:
        _wait_for(ready, reader)
        for name in sources.marts:
            blocked += write_in_place(
                f"create or replace table marts.{name} as select * from b.marts.{name}"
            )
            time.sleep(0.05)
        blocked += write_in_place(
            "create or replace table main._publish_manifest as "
            "select * from b.main._publish_manifest"
        )
    finally:
        stop.touch()
    seen = _finish(reader, out)

    mixes = [f for f in seen["failures"] if "does not match" in f]
    assert seen["failures"], f"the reader did not notice the in-place publish: {seen}"
    assert mixes, f"no mix seen, only errors: {seen['failures'][:5]} (writer blocked {blocked}x)"
    assert pub.verify(target).tables == pub.verify(b_published).tables


# --- Parquet ------------------------------------------------------------------------------


def test_parquet_current_is_swapped_to_a_complete_build(sources, tmp_path):
    target, parquet = tmp_path / "mqx_bi.duckdb", tmp_path / "parquet"
    oldest = parquet / "builds" / "20000101T000000Z-00000000"
    oldest.mkdir(parents=True)
    first = _publish(sources.a, target, sources, parquet_dir=parquet, keep=2)
    assert oldest.exists(), "pruned although fewer builds than --keep existed"
    second = _publish(sources.b, target, sources, parquet_dir=parquet, keep=2)

    current = parquet / "current"
    assert current.is_symlink() and not os.path.isabs(os.readlink(current))
    folder = current.resolve()
    assert folder.name.endswith(second.publish_id[:8])
    with duckdb.connect() as con:
        ids = con.execute(
            f"select distinct publish_id from '{folder}/_publish_manifest.parquet'"
        ).fetchall()
        assert ids == [(second.publish_id,)]
        files = sorted(p.stem for p in folder.glob("*.parquet"))
        assert files == sorted([*sources.marts, "_publish_manifest"])
        for table in second.tables:
            rows = con.execute(f"select count(*) from '{folder}/{table.name}.parquet'").fetchone()
            assert rows[0] == table.rows, f"{table.name}.parquet has {rows[0]} rows"
    kept = sorted(p.name[-8:] for p in (parquet / "builds").iterdir())
    assert kept == sorted([first.publish_id[:8], second.publish_id[:8]]), "keep=2 not honoured"
    assert _leftovers(parquet) == []
