"""`dbt source freshness` stops a scheduled run when a feed goes stale.

One small world is generated to end today (freshness is judged against the clock), so
every feed is fresh; one Salesforce table's sync times are rewritten into the other
spellings the contract allows (ISO 'T', 'Z', ' UTC', UTC offsets) to show the check
reads them as staging does. Then one feed (segment.pages) is cut off STALE_DAYS ago and
the same check must fail, naming it. No `dbt build` is needed: the freshness command
runs the on-run-start landing hook itself (checked here on a brand-new DuckDB file).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from dbt_harness import REPO, Build, run_dbt

FRESHNESS = ["source", "freshness"]
STALE_SOURCE, STALE_TABLE = "segment", "pages"
STALE_DAYS = 10  # the segment source errors after 7 days
OK_STATUSES = {"pass", "warn"}

# What the landing reads naively (the generator writes plain and ' UTC' timestamps).
NAIVE_UTC = "try_cast(replace(trim({c}), ' UTC', '') as timestamp)"


@dataclass
class FreshnessRun:
    build: Build
    sources: dict[str, dict]  # unique_id -> its entry in target/sources.json
    log: str  # what this run wrote to dbt.log


def _rewrite_parquet(folder: Path, select_sql: str) -> None:
    """Replace every Parquet file of a table folder by one file holding `select_sql`,
    which reads the old files as `old`."""
    files = sorted(folder.glob("*.parquet"))
    assert files, f"no Parquet files in {folder}"
    listing = ", ".join(f"'{f}'" for f in files)
    staging = folder.parent / f"{folder.name}.rewritten.parquet"
    with duckdb.connect() as con:
        con.execute(f"create view old as select * from read_parquet([{listing}])")
        con.execute(f"copy ({select_sql}) to '{staging}' (format parquet)")
    for f in files:
        f.unlink()
    staging.rename(folder / "part-00000.parquet")


def _spell_synced_times_every_way(raw_root: Path) -> dt.datetime:
    """salesforce.account: the same instants, written as 'T..Z', ' UTC', '+02:00' and
    '-05:00' (the newest ones with -05:00, so a reader that drops the offset gets the
    newest time wrong). Returns the newest instant (naive UTC)."""
    folder = raw_root / "salesforce" / "account"
    ts = NAIVE_UTC.format(c="_fivetran_synced")
    with duckdb.connect() as con:
        newest = con.execute(
            f"select max({ts}) from read_parquet('{folder}/*.parquet')"
        ).fetchone()[0]
    assert newest is not None
    fmt = "'%Y-%m-%dT%H:%M:%S.%f'"
    _rewrite_parquet(
        folder,
        f"""
        select * replace (
            case
                when {ts} = (select max({ts}) from old)
                    then strftime({ts} - interval 5 hour, {fmt}) || '-05:00'
                when row_number() over () % 4 = 0 then strftime({ts}, {fmt}) || 'Z'
                when row_number() over () % 4 = 1
                    then strftime({ts} + interval 2 hour, {fmt}) || '+02:00'
                when row_number() over () % 4 = 2
                    then strftime({ts} - interval 5 hour, {fmt}) || '-05:00'
                else strftime({ts}, '%Y-%m-%d %H:%M:%S') || ' UTC'
            end as _fivetran_synced
        )
        from old
        """,
    )
    return newest


def _stop_feed(raw_root: Path, source: str, table: str, days: int) -> int:
    """Drop the rows of the last `days` days, as if the feed had stopped then; returns
    how many rows were dropped."""
    folder = raw_root / source / table
    ts = NAIVE_UTC.format(c="coalesce(received_at, timestamp)")
    cutoff = f"current_timestamp::timestamp - interval {days} day"
    with duckdb.connect() as con:
        dropped = con.execute(
            f"select count(*) from read_parquet('{folder}/*.parquet') where {ts} >= {cutoff}"
        ).fetchone()[0]
    _rewrite_parquet(folder, f"select * from old where {ts} < {cutoff}")
    return dropped


def _freshness(raw_root: Path, workdir: Path) -> FreshnessRun:
    log_file = workdir / "logs" / "dbt.log"
    seen = log_file.stat().st_size if log_file.exists() else 0
    build = run_dbt(FRESHNESS, raw_root, workdir)
    results = json.loads((build.target_path / "sources.json").read_text())["results"]
    with log_file.open(encoding="utf-8", errors="replace") as handle:
        handle.seek(seen)
        log = handle.read()
    return FreshnessRun(build, {r["unique_id"]: r for r in results}, log)


@pytest.fixture(scope="module")
def freshness_runs(tmp_path_factory) -> dict:
    """Freshness on the fresh world, then (same paths, so dbt's partial parse holds) on
    the world with one feed stopped."""
    from mqx.world import WorldConfig, generate

    root = tmp_path_factory.mktemp("freshness_world")
    raw_root = root / "raw"
    today = dt.datetime.now(dt.UTC).date()
    generate(
        WorldConfig(
            accounts=200, seed=11, out=raw_root, truth=root / "truth", end_date=today, quiet=True
        )
    )
    newest_account_sync = _spell_synced_times_every_way(raw_root)
    workdir = tmp_path_factory.mktemp("freshness_run")
    fresh = _freshness(raw_root, workdir)
    dropped = _stop_feed(raw_root, STALE_SOURCE, STALE_TABLE, STALE_DAYS)
    stale = _freshness(raw_root, workdir)
    shutil.rmtree(root, ignore_errors=True)
    return {
        "fresh": fresh,
        "stale": stale,
        "newest_account_sync": newest_account_sync,
        "dropped": dropped,
    }


def _checked_sources(run: FreshnessRun) -> set[str]:
    """The source tables whose YAML configures a freshness check."""
    manifest = run.build.manifest()
    return {
        uid
        for uid, node in manifest["sources"].items()
        if node["package_name"] == "mqx" and (node.get("freshness") or {}).get("error_after")
    }


def test_all_fresh_feeds_pass(freshness_runs):
    fresh: FreshnessRun = freshness_runs["fresh"]
    assert fresh.build.success, fresh.build.error or fresh.build.failures()
    # every configured check ran (the landing hook made the views on a new DuckDB file)
    assert set(fresh.sources) == _checked_sources(fresh)
    bad = {uid: r["status"] for uid, r in fresh.sources.items() if r["status"] not in OK_STATUSES}
    assert not bad, bad


def test_timestamps_with_offsets_are_read_in_utc(freshness_runs):
    fresh: FreshnessRun = freshness_runs["fresh"]
    account = fresh.sources["source.mqx.salesforce.account"]
    assert account["status"] in OK_STATUSES, account
    newest = dt.datetime.fromisoformat(account["max_loaded_at"])
    expected = freshness_runs["newest_account_sync"].replace(tzinfo=dt.UTC)
    assert newest == expected, f"newest _fivetran_synced read as {newest}, is {expected}"


def test_stale_feed_fails_the_run_naming_it(freshness_runs):
    stale: FreshnessRun = freshness_runs["stale"]
    assert freshness_runs["dropped"] > 0, "the stale feed had no recent rows to drop"
    assert not stale.build.success, "dbt source freshness succeeded on a stale feed"
    stale_id = f"source.mqx.{STALE_SOURCE}.{STALE_TABLE}"
    entry = stale.sources[stale_id]
    assert entry["status"] == "error", entry
    assert entry["max_loaded_at_time_ago_in_s"] > STALE_DAYS * 86400 - 3600, entry
    # what the operator reads in the run's log names the table
    assert f"ERROR STALE freshness of {STALE_SOURCE}.{STALE_TABLE}" in stale.log, stale.log[-2000:]
    others = {
        uid: r["status"]
        for uid, r in stale.sources.items()
        if uid != stale_id and r["status"] not in OK_STATUSES
    }
    assert not others, f"only {stale_id} should fail: {others}"


def test_scheduled_target_checks_freshness_before_building():
    """`make scheduled` (dry run): freshness, then build, then publish, each its own
    command so make stops at the first that fails."""
    out = subprocess.run(
        ["make", "-n", "--no-print-directory", "scheduled", "STAMP="],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = [line.strip() for line in out.splitlines() if line.strip()]

    def first(fragment: str) -> int:
        found = [i for i, line in enumerate(lines) if fragment in line]
        assert found, f"`make -n scheduled` runs no {fragment!r}: {lines}"
        return found[0]

    assert first("dbt source freshness") < first("dbt build") < first("-m mqx.publish"), lines
