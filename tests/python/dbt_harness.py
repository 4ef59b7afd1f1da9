"""Run dbt in-process against a raw root and a DuckDB file of the test's own.

Importing dbt costs seconds, so the suite runs every build through one dbtRunner in the
pytest process instead of a subprocess per call. Each build gets its own DuckDB file,
target and log folders, so builds never share state.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def _environment(**values: str) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@dataclass
class Build:
    """One dbt build: where it read from, where it wrote, and what dbt said."""

    raw_root: Path
    workdir: Path
    success: bool
    results: list[dict]
    error: str | None

    @property
    def duckdb_path(self) -> Path:
        return self.workdir / "mqx.duckdb"

    @property
    def target_path(self) -> Path:
        return self.workdir / "target"

    def manifest(self) -> dict:
        return json.loads((self.target_path / "manifest.json").read_text())

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.duckdb_path), read_only=True) as con:
            return con.execute(sql).fetchall()

    def scalar(self, sql: str):
        return self.query(sql)[0][0]

    def failures(self) -> list[dict]:
        return [r for r in self.results if r["status"] not in ("success", "pass")]

    def checksums(self, schemas: tuple[str, ...]) -> dict[str, tuple[int, int]]:
        """Row count and an order-independent content checksum of every table in schemas."""
        with duckdb.connect(str(self.duckdb_path), read_only=True) as con:
            tables = con.execute(
                "select schema_name, table_name from duckdb_tables() "
                "where list_contains(?, schema_name) order by all",
                [list(schemas)],
            ).fetchall()
            return {
                f"{schema}.{table}": con.execute(
                    "select count(*), coalesce(sum(hash(cast(t as varchar))::hugeint), 0) "
                    f"from {schema}.{table} as t"
                ).fetchone()
                for schema, table in tables
            }


def _release_duckdb_file() -> None:
    """Close the DuckDB connection dbt-duckdb caches in this process after a run.

    While it is open, a second (read-only) connection to the same file from this process
    is refused ("different configuration than existing connections")."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None


def run_dbt(args: list[str], raw_root: Path, workdir: Path) -> Build:
    """Run `dbt <args>` on raw_root into workdir; never raises on a dbt failure."""
    from dbt.cli.main import dbtRunner

    workdir.mkdir(parents=True, exist_ok=True)
    env = {
        "MQX_RAW_ROOT": str(raw_root),
        "MQX_DUCKDB_PATH": str(workdir / "mqx.duckdb"),
        "MQX_DUCKDB_TEMP_DIR": str(workdir / "duckdb_tmp"),
        "DBT_PROFILES_DIR": str(REPO),
        "MQX_TARGET": "duckdb",
    }
    with _environment(**env):
        outcome = dbtRunner().invoke(
            [
                *args,
                "--project-dir",
                str(REPO),
                "--target-path",
                str(workdir / "target"),
                "--log-path",
                str(workdir / "logs"),
                "--quiet",
            ]
        )
        _release_duckdb_file()
    results = []
    if outcome.result is not None and hasattr(outcome.result, "results"):
        results = [
            {
                "unique_id": r.node.unique_id,
                "status": str(r.status),
                "message": r.message,
                "failures": r.failures,
            }
            for r in outcome.result.results
        ]
    error = str(outcome.exception) if outcome.exception is not None else None
    return Build(raw_root, workdir, outcome.success, results, error)
