"""Publish the public marts for BI readers: `python -m mqx.publish [--from W] [--to P]`.

dbt builds into its private work file (``$MQX_DUCKDB_PATH``, ``data/mqx.duckdb``); BI tools
never open it. After a successful build this module copies every public mart (the models of
schema ``marts`` in dbt's ``manifest.json``) into a **new** DuckDB file next to the published
one (``$MQX_PUBLISHED_PATH``, ``data/mqx_bi.duckdb``), adds a ``_publish_manifest`` table
(publish id, time, dbt invocation id, and per table its row count and a content checksum),
checkpoints, closes and fsyncs it, reads it back, and only then renames it over the published
file with ``os.replace``, which is atomic on POSIX.

What readers get:

- A reader that opens the published file sees exactly one complete publish: the old file or
  the new one, never a mix. ``verify`` (``--verify``) checks that every table of a file
  agrees with its ``_publish_manifest``.
- Readers open the file read-only, and the job never writes into a file a reader may hold,
  so a BI tool never blocks a run. A reader that holds a connection while a new file is
  swapped in keeps reading the build it opened (on Linux the old inode lives until its last
  reader closes); it sees the new build when it reconnects. Note that DuckDB reuses an
  open database for new connections to the same path within one process, so a process sees
  the new build only after it has closed all its connections to the file.
- Nothing is published when the work file is missing, unreadable or locked by a running
  build, lacks a mart of the manifest, or the last dbt invocation reported errors, failures
  or skipped nodes (a partly rebuilt work file mixes two builds). A table that the current
  published file has and the new one would not is refused too (``--allow-drop`` to remove a
  mart on purpose). The published file is then left as it was.

``--parquet-dir DIR`` also writes every mart as Parquet into a new folder
``DIR/builds/<time>-<id>/`` and then swaps the symlink ``DIR/current`` to it atomically;
Parquet readers should resolve ``current`` once and read all tables from that folder. The
newest ``--keep`` builds are kept so that readers of the previous build are not cut off.

POSIX only: on Windows a file open by a reader cannot be replaced.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

PUBLIC_SCHEMA = "marts"
MANIFEST_TABLE = "_publish_manifest"
DEFAULT_WORK_PATH = "data/mqx.duckdb"
DEFAULT_PUBLISHED_PATH = "data/mqx_bi.duckdb"
DEFAULT_TARGET_PATH = "target"
DEFAULT_KEEP = 3

# dbt result statuses that mean the work file may hold a partial build.
_BAD_STATUSES = {"error", "fail", "skipped", "runtime error"}
_ROW_ALIAS = "mqx_publish_row"


class PublishError(RuntimeError):
    """Publishing was refused or a published file does not verify; the message says why."""


@dataclass(frozen=True)
class TableStats:
    """One published table: its name, rows and content checksum."""

    schema: str
    name: str
    rows: int
    checksum: str


@dataclass
class PublishResult:
    """What one publish wrote."""

    publish_id: str
    published_at: dt.datetime
    path: Path
    tables: list[TableStats]
    seconds: float
    dbt_invocation_id: str | None = None
    parquet_path: Path | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables)


@dataclass(frozen=True)
class VerifiedBuild:
    """A published file that agrees with its own manifest."""

    publish_id: str
    tables: list[TableStats]


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def table_stats(con: duckdb.DuckDBPyConnection, relation: str) -> tuple[int, str]:
    """Row count and content checksum of a relation.

    The checksum is the sum of DuckDB's hash of every whole row: independent of row order,
    sensitive to every value and to duplicate rows. It is not cryptographic; it tells one
    build's table from another's."""
    found = con.execute(
        f"select count(*), coalesce(sum(hash({_ROW_ALIAS})), 0)::varchar "
        f"from {relation} as {_ROW_ALIAS}"
    ).fetchone()
    assert found is not None
    return int(found[0]), str(found[1])


# --- reading dbt's artifacts ------------------------------------------------------------------


def expected_marts(
    target_path: Path,
) -> tuple[dict[str, list[str]] | None, str | None, list[str]]:
    """(marts from manifest.json, dbt invocation id, notes) for a dbt target folder.

    The marts map each name to the columns its enforced contract declares NOT NULL.
    Raises PublishError when run_results.json reports a failed, erroring or skipped node.
    Returns None for the marts when there is no manifest."""
    notes: list[str] = []
    invocation_id = None
    run_results = target_path / "run_results.json"
    if run_results.is_file():
        results = json.loads(run_results.read_text())
        invocation_id = results.get("metadata", {}).get("invocation_id")
        bad = [
            f"{r.get('unique_id')} ({r.get('status')})"
            for r in results.get("results", [])
            if str(r.get("status")) in _BAD_STATUSES
        ]
        if bad:
            shown = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
            raise PublishError(
                f"the last dbt invocation ({run_results}) did not succeed: {len(bad)} node(s) "
                f"failed, errored or were skipped: {shown}. The work file may mix two builds; "
                "fix the build and run it again before publishing."
            )
    else:
        notes.append(f"no {run_results}: cannot confirm that the last dbt build succeeded")
    manifest = target_path / "manifest.json"
    if not manifest.is_file():
        notes.append(f"no {manifest}: publishing every table found in schema {PUBLIC_SCHEMA}")
        return None, invocation_id, notes
    nodes = json.loads(manifest.read_text()).get("nodes", {})
    marts = {
        node.get("alias") or node["name"]: contract_not_null_columns(node)
        for node in nodes.values()
        if node.get("resource_type") == "model"
        and node.get("schema") == PUBLIC_SCHEMA
        and node.get("config", {}).get("materialized") != "ephemeral"
    }
    return dict(sorted(marts.items())), invocation_id, notes


def contract_not_null_columns(node: dict) -> list[str]:
    """The columns a manifest model's enforced contract declares NOT NULL, in column order.

    A view does not enforce them (DuckDB has no constraints on views); its published copy
    does, like the published copy of a table keeps the table's own."""
    if not node.get("config", {}).get("contract", {}).get("enforced"):
        return []
    declared = {
        name
        for constraint in node.get("constraints", [])
        if constraint.get("type") == "not_null"
        for name in constraint.get("columns", [])
    }
    return [
        name
        for name, column in node.get("columns", {}).items()
        if name in declared
        or any(c.get("type") == "not_null" for c in column.get("constraints", []))
    ]


# --- reading and checking files ---------------------------------------------------------------


def verify_connection(con: duckdb.DuckDBPyConnection) -> VerifiedBuild:
    """Check that every table of an open published database agrees with its manifest."""
    try:
        rows = con.execute(
            f"select publish_id, table_schema, table_name, row_count, content_checksum "
            f"from main.{MANIFEST_TABLE} order by table_name"
        ).fetchall()
    except duckdb.CatalogException:
        raise PublishError(
            f"no table main.{MANIFEST_TABLE}: this file was not written by mqx.publish"
        ) from None
    ids = sorted({row[0] for row in rows})
    if len(ids) != 1:
        raise PublishError(f"{MANIFEST_TABLE} names {len(ids)} publish ids ({ids}), expected 1")
    present = {
        name
        for (name,) in con.execute(
            "select table_name from duckdb_tables() "
            "where database_name = current_database() and schema_name = ?",
            [PUBLIC_SCHEMA],
        ).fetchall()
    }
    listed = {row[2] for row in rows}
    if present != listed:
        raise PublishError(
            f"schema {PUBLIC_SCHEMA} does not match {MANIFEST_TABLE}: tables not in the manifest "
            f"{sorted(present - listed)}, manifest tables missing {sorted(listed - present)}"
        )
    tables = []
    for _, schema, name, row_count, checksum in rows:
        found_rows, found_checksum = table_stats(con, f"{_quote(schema)}.{_quote(name)}")
        if (found_rows, found_checksum) != (row_count, checksum):
            raise PublishError(
                f"{schema}.{name} does not match {MANIFEST_TABLE} of publish {ids[0]}: "
                f"{found_rows} rows / checksum {found_checksum}, manifest says {row_count} rows "
                f"/ checksum {checksum} (the file mixes two builds or was changed in place)"
            )
        tables.append(TableStats(schema, name, found_rows, found_checksum))
    return VerifiedBuild(ids[0], tables)


def verify(path: str | os.PathLike[str]) -> VerifiedBuild:
    """Open a published file read-only and check it against its manifest."""
    if not os.path.isfile(path):
        raise PublishError(f"no published file at {path}")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise PublishError(f"cannot open {path} read-only: {exc}") from None
    try:
        return verify_connection(con)
    finally:
        con.close()


def _published_tables(path: Path) -> set[str] | None:
    """Tables the currently published file lists, or None when there is none to read."""
    if not path.is_file():
        return None
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            rows = con.execute(f"select table_name from main.{MANIFEST_TABLE}").fetchall()
    except duckdb.Error:
        return None
    return {name for (name,) in rows}


# --- writing -------------------------------------------------------------------------------


def _fsync(path: Path, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def _execute_or_refuse(con: duckdb.DuckDBPyConnection, sql: str, refusal: str) -> None:
    """Run one statement; a DuckDB error refuses the publish with `refusal` and the cause."""
    try:
        con.execute(sql)
    except duckdb.Error as exc:
        raise PublishError(f"{refusal}: {exc}") from None


def _copy_table(
    con: duckdb.DuckDBPyConnection,
    work: str,
    name: str,
    is_view: bool,
    ddl: str | None,
    not_null: Sequence[str] = (),
) -> None:
    """Copy one mart from the attached work file, with its constraints and comments.

    A view's copy gets the NOT NULL columns of its contract (`not_null`); a table's copy
    gets the table's own constraints."""
    target = f"{PUBLIC_SCHEMA}.{_quote(name)}"
    source = f"{_quote(work)}.{PUBLIC_SCHEMA}.{_quote(name)}"
    if is_view or not ddl:
        _execute_or_refuse(
            con,
            f"create table {target} as select * from {source}",
            f"cannot copy {PUBLIC_SCHEMA}.{name} from the work file attached as {work!r} "
            "(dbt's views read their tables under the file name dbt built it with)",
        )
        for column in not_null if is_view else ():
            _execute_or_refuse(
                con,
                f"alter table {target} alter column {_quote(column)} set not null",
                f"{PUBLIC_SCHEMA}.{name}.{column}: the contract says NOT NULL, the view breaks it",
            )
    else:
        # duckdb_tables().sql is `CREATE TABLE marts.<name>(...)` with types, NOT NULL and
        # PRIMARY KEY: run in this file, it keeps the contract BI readers rely on.
        con.execute(ddl)
        con.execute(f"insert into {target} select * from {source}")
    comments = con.execute(
        "select comment from duckdb_tables() where database_name = ? and schema_name = ? "
        "and table_name = ? union all "
        "select comment from duckdb_views() where database_name = ? and schema_name = ? "
        "and view_name = ?",
        [work, PUBLIC_SCHEMA, name] * 2,
    ).fetchall()
    if comments and comments[0][0]:
        con.execute(f"comment on table {target} is {_literal(comments[0][0])}")
    for column, comment in con.execute(
        "select column_name, comment from duckdb_columns() where database_name = ? "
        "and schema_name = ? and table_name = ? and comment is not null",
        [work, PUBLIC_SCHEMA, name],
    ).fetchall():
        con.execute(f"comment on column {target}.{_quote(column)} is {_literal(comment)}")


def _write_parquet(
    con: duckdb.DuckDBPyConnection, parquet_dir: Path, version: str, names: list[str]
) -> Path:
    """Export the marts and the manifest of the open new file into parquet_dir/builds/version."""
    folder = parquet_dir / "builds" / version
    folder.mkdir(parents=True)
    for name in [*names, MANIFEST_TABLE]:
        relation = (
            f"main.{MANIFEST_TABLE}"
            if name == MANIFEST_TABLE
            else f"{PUBLIC_SCHEMA}.{_quote(name)}"
        )
        out = folder / f"{name}.parquet"
        con.execute(f"copy {relation} to {_literal(str(out))} (format parquet)")
        _fsync(out)
    _fsync(folder, directory=True)
    return folder


def _swap_parquet(parquet_dir: Path, folder: Path, keep: int) -> None:
    current = parquet_dir / "current"
    link = parquet_dir / f".current.{folder.name}.tmp"
    _remove(link)
    link.symlink_to(Path("builds") / folder.name)
    os.replace(link, current)
    _fsync(parquet_dir, directory=True)
    builds = sorted(p for p in (parquet_dir / "builds").iterdir() if p.is_dir())
    for old in builds[: max(len(builds) - max(keep, 1), 0)]:
        if old.name != folder.name:
            shutil.rmtree(old)


def _attach_work_file(con: duckdb.DuckDBPyConnection, source_path: Path) -> str:
    """Attach the work file read-only under its own catalog name, the file's name without
    its extension (dbt-duckdb's database name, which the views of the file name), and return
    that name."""
    here = con.execute("select current_database()").fetchone()[0]
    if here == source_path.stem:
        raise PublishError(
            f"cannot publish into a file named like the work file ({source_path.name}): DuckDB "
            f"names a file's catalog after its file name, and the work file's views need "
            f"{here!r}; give the published file another name (the default is mqx_bi.duckdb)"
        )
    _execute_or_refuse(
        con,
        f"attach {_literal(str(source_path))} (read_only)",
        f"cannot read the work file {source_path} (is a dbt build still running?)",
    )
    found = con.execute(
        "select database_name from duckdb_databases() "
        "where not internal and database_name != current_database()"
    ).fetchall()
    assert len(found) == 1, found
    return str(found[0][0])


def _work_file_marts(
    con: duckdb.DuckDBPyConnection, work: str
) -> dict[str, tuple[bool, str | None]]:
    """Tables and views of schema marts in the attached work file: name -> (is_view, DDL)."""
    rows = con.execute(
        "select table_name, false, sql from duckdb_tables() "
        "where database_name = ? and schema_name = ? union all "
        "select view_name, true, null from duckdb_views() "
        "where database_name = ? and schema_name = ?",
        [work, PUBLIC_SCHEMA] * 2,
    ).fetchall()
    return {name: (is_view, ddl) for name, is_view, ddl in rows}


def _write_manifest(
    con: duckdb.DuckDBPyConnection,
    publish_id: str,
    published_at: dt.datetime,
    source_path: Path,
    invocation_id: str | None,
    tables: list[TableStats],
) -> None:
    con.execute(
        f"""
        create table main.{MANIFEST_TABLE} (
            publish_id varchar not null,
            table_schema varchar not null,
            table_name varchar not null,
            source_path varchar not null,
            dbt_invocation_id varchar,
            content_checksum varchar not null,
            row_count bigint not null,
            published_at timestamp with time zone not null,
            primary key (table_schema, table_name)
        )
        """
    )
    for t in tables:
        con.execute(
            f"insert into main.{MANIFEST_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                publish_id,
                t.schema,
                t.name,
                str(source_path.resolve()),
                invocation_id,
                t.checksum,
                t.rows,
                published_at,
            ],
        )
    con.execute(
        f"comment on table main.{MANIFEST_TABLE} is "
        + _literal(
            "One row per published table: the publish it belongs to and its row count "
            "and content checksum (sum of DuckDB row hashes) when it was published."
        )
    )


def publish(
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    *,
    target_path: str | os.PathLike[str] | None = DEFAULT_TARGET_PATH,
    parquet_dir: str | os.PathLike[str] | None = None,
    keep: int = DEFAULT_KEEP,
    allow_drop: bool = False,
    log: Callable[[str], None] | None = None,
) -> PublishResult:
    """Copy the public marts of `source` into a new file and swap it over `target` atomically.

    `target_path` is dbt's target folder (manifest.json names the marts to publish,
    run_results.json must show a successful build); None publishes every table of schema
    marts without those checks. Raises PublishError, leaving `target` untouched, on refusal."""
    started = time.perf_counter()
    source_path, target_file = Path(source), Path(target)
    if not source_path.is_file():
        raise PublishError(f"no work file at {source_path}: run dbt build first (or pass --from)")
    if source_path.resolve() == target_file.resolve():
        raise PublishError(f"--from and --to are the same file ({source_path})")
    marts, invocation_id, notes = (
        expected_marts(Path(target_path)) if target_path is not None else (None, None, [])
    )
    names = list(marts) if marts is not None else None
    stale_wal = Path(f"{target_file}.wal")
    if stale_wal.exists():
        raise PublishError(
            f"{stale_wal} exists: a process opened the published file read-write (BI tools "
            "must open it read-only). Close it, delete the .wal file and publish again."
        )

    current = Path(parquet_dir) / "current" if parquet_dir is not None else None
    if current is not None and current.exists() and not current.is_symlink():
        raise PublishError(
            f"{current} exists and is not a symlink: move it away so publish can manage it"
        )

    publish_id = uuid.uuid4().hex
    now = dt.datetime.now(dt.UTC)
    published_at = now.replace(microsecond=0)
    target_file.parent.mkdir(parents=True, exist_ok=True)
    temp = target_file.parent / f".{target_file.name}.{publish_id}.tmp"
    version = f"{now:%Y%m%dT%H%M%S%fZ}-{publish_id[:8]}"  # sorts by time
    parquet_folder: Path | None = None
    swapped = False
    try:
        try:
            con = duckdb.connect(str(temp))
        except duckdb.Error as exc:
            raise PublishError(f"cannot create {temp}: {exc}") from None
        try:
            work = _attach_work_file(con, source_path)
            found = _work_file_marts(con, work)
            if names is None:
                names = sorted(found)
            missing = [name for name in names if name not in found]
            if missing:
                raise PublishError(
                    f"the work file {source_path} lacks mart(s) "
                    + ", ".join(f"{PUBLIC_SCHEMA}.{name}" for name in missing)
                    + ": run dbt build (all of it) before publishing"
                )
            if not names:
                raise PublishError(f"the work file {source_path} has no tables in {PUBLIC_SCHEMA}")
            stale = sorted(set(found) - set(names))
            if stale:
                notes.append(f"not published (in the work file, not in the manifest): {stale}")
            dropped = sorted((_published_tables(target_file) or set()) - set(names))
            if dropped and not allow_drop:
                raise PublishError(
                    f"{target_file} publishes " + ", ".join(dropped) + " and this build would "
                    "not: pass --allow-drop if the mart was removed on purpose"
                )

            # One transaction: a commit per statement would write the log hundreds of times.
            con.execute("begin transaction")
            con.execute(f"create schema {PUBLIC_SCHEMA}")
            tables = []
            for name in names:
                is_view, ddl = found[name]
                _copy_table(con, work, name, is_view, ddl, (marts or {}).get(name, ()))
                stats = table_stats(con, f"{PUBLIC_SCHEMA}.{_quote(name)}")
                source_stats = table_stats(con, f"{_quote(work)}.{PUBLIC_SCHEMA}.{_quote(name)}")
                if stats != source_stats:
                    raise PublishError(
                        f"copy of {PUBLIC_SCHEMA}.{name} differs from the work file: {stats} "
                        f"vs {source_stats}"
                    )
                tables.append(TableStats(PUBLIC_SCHEMA, name, *stats))

            _write_manifest(con, publish_id, published_at, source_path, invocation_id, tables)
            con.execute("commit")

            if parquet_dir is not None:
                parquet_folder = _write_parquet(con, Path(parquet_dir), version, names)
            con.execute(f"detach {_quote(work)}")
            con.execute("checkpoint")
        finally:
            con.close()
        if Path(f"{temp}.wal").exists():
            raise PublishError(f"{temp}.wal was left after checkpoint and close: not publishing")
        _fsync(temp)
        verified = verify(temp)
        if sorted(verified.tables, key=str) != sorted(tables, key=str):
            raise PublishError(f"{temp} does not read back as written: not publishing")
        os.replace(temp, target_file)
        swapped = True
        _fsync(target_file.parent, directory=True)
        if parquet_folder is not None:
            _swap_parquet(parquet_folder.parent.parent, parquet_folder, keep)
    finally:
        if not swapped:
            _remove(temp)
            _remove(Path(f"{temp}.wal"))
            if parquet_folder is not None:
                _remove(parquet_folder)

    result = PublishResult(
        publish_id=publish_id,
        published_at=published_at,
        path=target_file,
        tables=tables,
        seconds=time.perf_counter() - started,
        dbt_invocation_id=invocation_id,
        parquet_path=(Path(parquet_dir) / "current") if parquet_dir is not None else None,
        notes=notes,
    )
    if log is not None:
        log(report(result))
    return result


def report(result: PublishResult) -> str:
    """The lines `python -m mqx.publish` prints after a publish."""
    width = max(len(t.name) for t in result.tables)
    lines = [
        f"mqx publish: {len(result.tables)} tables, {result.rows:,} rows to {result.path} "
        f"in {result.seconds:.1f} s (publish {result.publish_id}, "
        f"dbt invocation {result.dbt_invocation_id or 'unknown'})"
    ]
    lines += [f"  {t.schema}.{t.name.ljust(width)} {t.rows:>12,}" for t in result.tables]
    if result.parquet_path is not None:
        lines.append(f"  parquet: {result.parquet_path} -> {os.readlink(result.parquet_path)}")
    lines += [f"  note: {note}" for note in result.notes]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--from",
        dest="source",
        default=os.environ.get("MQX_DUCKDB_PATH", DEFAULT_WORK_PATH),
        help=f"dbt's work file (default: $MQX_DUCKDB_PATH or {DEFAULT_WORK_PATH})",
    )
    parser.add_argument(
        "--to",
        dest="target",
        default=os.environ.get("MQX_PUBLISHED_PATH", DEFAULT_PUBLISHED_PATH),
        help=f"the file BI tools read (default: $MQX_PUBLISHED_PATH or {DEFAULT_PUBLISHED_PATH})",
    )
    parser.add_argument(
        "--target-path",
        default=os.environ.get("DBT_TARGET_PATH", DEFAULT_TARGET_PATH),
        help="dbt's target folder with manifest.json and run_results.json "
        f"(default: $DBT_TARGET_PATH or {DEFAULT_TARGET_PATH})",
    )
    parser.add_argument("--parquet-dir", help="also publish Parquet files under this folder")
    parser.add_argument(
        "--keep", type=int, default=DEFAULT_KEEP, help="Parquet builds to keep (default: 3)"
    )
    parser.add_argument(
        "--allow-drop",
        action="store_true",
        help="publish even if a table of the current published file would disappear",
    )
    parser.add_argument(
        "--verify",
        action="store_true",
        help="do not publish: check the file at --to against its _publish_manifest",
    )
    args = parser.parse_args(argv)
    try:
        if args.verify:
            build = verify(args.target)
            rows = sum(t.rows for t in build.tables)
            print(
                f"mqx publish: {args.target} verifies: publish {build.publish_id}, "
                f"{len(build.tables)} tables, {rows:,} rows"
            )
            return 0
        publish(
            args.source,
            args.target,
            target_path=args.target_path,
            parquet_dir=args.parquet_dir,
            keep=args.keep,
            allow_drop=args.allow_drop,
            log=print,
        )
    except PublishError as exc:
        print(f"mqx publish: {exc}", file=sys.stderr)
        return 2
    except (OSError, duckdb.Error) as exc:
        print(f"mqx publish: failed, nothing was published: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
