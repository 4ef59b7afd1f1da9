"""An incremental run after new files land equals a full refresh of the same files.

The small world is built without its last three days of events (held back with
mqx.world.holdback); then those days land as new part files, together with connector
re-syncs of rows stored by the first build (a Salesforce task soft-deleted later, a
Segment page view delivered again with a changed title, Marketo clicks moved to another
lead, opens whose later copy is set aside, deliveries moved an hour earlier), and the
incremental `dbt build` runs while a BI reader process loops over the published marts (it
must never fail or see a mix, and must see the build before and after). A full-refresh
build over the same files into another warehouse must give the same content in every
table of the staging, intermediate and marts schemas.
"""

from __future__ import annotations

import json
import shutil
import time
from datetime import timedelta

import duckdb
import pytest
from dbt_harness import run_dbt
from test_publish import READER_LOOP, _finish, _start, _wait_for

from mqx import publish
from mqx.world import holdback

SCHEMAS = ("staging", "intermediate", "marts")
HELD_DAYS = 3
# seeds, models and snapshots, without the data and unit tests (the incremental build runs those)
MODELS_AND_SEEDS = (
    "build",
    "--exclude-resource-type",
    "test",
    "--exclude-resource-type",
    "unit_test",
)


def _add_resyncs(raw_root, held_root) -> None:
    """Append re-synced copies of already-landed rows to the held (next) files."""
    con = duckdb.connect()
    resyncs = {
        # a task deleted in Salesforce after the first build stored it
        ("salesforce", "task"): (
            "select * replace ('true' as is_deleted, '2026-11-16 06:00:00.000' as _fivetran_synced)"
            " from read_parquet('{parts}') where is_deleted = 'false' and type = 'Call'"
            " order by id limit 2"
        ),
        # a page view delivered twice, the later copy with another title
        ("segment", "pages"): (
            "select * replace ('Pricing (re-sent)' as title, '2026-11-16 07:00:00' as received_at)"
            " from read_parquet('{parts}') where path like '/pricing%' order by id limit 3"
        ),
        # Marketo clicks re-attributed to another lead later, each taken out of a burst of
        # clicks on one email, one per burst (so the verdicts of the clicks left behind in
        # the old group change too)
        ("marketo", "activity_click_email"): (
            "select * replace ((select max(lead_id) from read_parquet('{parts}')) as lead_id,"
            " '2026-11-16 08:00:00.000' as _fivetran_synced)"
            " from read_parquet('{parts}') as click where exists ("
            " select 1 from read_parquet('{parts}') as other"
            " where other.lead_id = click.lead_id and other.id < click.id"
            " and other.email_template_id = click.email_template_id"
            " and abs(epoch(try_cast(other.activity_date as timestamp))"
            " - epoch(try_cast(click.activity_date as timestamp))) <= 1)"
            " qualify row_number() over (partition by lead_id, email_template_id order by id) = 1"
            " order by id limit 2"
        ),
        # Marketo opens re-attributed to another lead later, each the only open of its
        # email by its lead before a click (which then is a click without an open)
        ("marketo", "activity_open_email", "moved"): (
            "select * replace ((select max(lead_id) from read_parquet('{parts}')) as lead_id,"
            " '2026-11-16 08:00:00.000' as _fivetran_synced)"
            " from read_parquet('{parts}') as opened where exists ("
            " select 1 from read_parquet('{raw}/marketo/activity_click_email/part-0*.parquet')"
            " as click where click.lead_id = opened.lead_id"
            " and click.email_template_id = opened.email_template_id"
            " and try_cast(click.activity_date as timestamp)"
            " between try_cast(opened.activity_date as timestamp)"
            " and try_cast(opened.activity_date as timestamp) + interval 1 day)"
            " and not exists (select 1 from read_parquet('{parts}') as other"
            " where other.lead_id = opened.lead_id and other.id != opened.id"
            " and other.email_template_id = opened.email_template_id)"
            " order by id limit 2"
        ),
        # Marketo opens whose later copy has a broken date: set aside, they lose their verdict
        ("marketo", "activity_open_email", "set aside"): (
            "select * replace ('n/a' as activity_date,"
            " '2026-11-16 08:00:00.000' as _fivetran_synced)"
            " from read_parquet('{parts}') order by id limit 2"
        ),
        # Marketo deliveries re-synced an hour earlier, each right before an open of that
        # email by that lead (which then is no longer soon after a delivery)
        ("marketo", "activity_email_delivered"): (
            "select * replace (strftime(try_cast(activity_date as timestamp) - interval 1 hour,"
            " '%Y-%m-%d %H:%M:%S.%g') as activity_date,"
            " '2026-11-16 08:00:00.000' as _fivetran_synced)"
            " from read_parquet('{parts}') as delivery where exists ("
            " select 1 from read_parquet('{raw}/marketo/activity_open_email/part-0*.parquet')"
            " as opened where opened.lead_id = delivery.lead_id"
            " and opened.email_template_id = delivery.email_template_id"
            " and try_cast(opened.activity_date as timestamp)"
            " between try_cast(delivery.activity_date as timestamp)"
            " and try_cast(delivery.activity_date as timestamp) + interval 30 second)"
            " order by id limit 2"
        ),
    }
    for (source, table, *_), select in resyncs.items():
        held = held_root / source / table / holdback.HELD_PART
        parts = raw_root / source / table / "part-0*.parquet"
        merged = held.with_suffix(".tmp")
        con.execute(
            f"copy (select * from read_parquet('{held}') union all by name "
            f"({select.format(parts=parts, raw=raw_root)})) to '{merged}' (format parquet)"
        )
        added = con.execute(
            f"select count(*) - (select count(*) from read_parquet('{held}')) "
            f"from read_parquet('{merged}')"
        ).fetchone()[0]
        assert added > 0, f"no row to re-sync in {source}.{table}"
        merged.replace(held)
    con.close()


@pytest.fixture(scope="module")
def incremental_and_full(small_world, tmp_path_factory) -> tuple:
    work = tmp_path_factory.mktemp("incremental")
    raw, held = work / "raw", work / "held"
    shutil.copytree(small_world / "raw", raw)
    end_date = holdback.world_end_date(small_world / "truth")
    counts = holdback.hold_back(raw, held, end_date, days=HELD_DAYS)

    first = run_dbt([*MODELS_AND_SEEDS], raw, work / "warehouse")
    assert first.success, first.error or first.failures()
    _add_resyncs(raw, held)
    holdback.land(held, raw)

    # A BI reader loops over the published file while the daily build runs and publishes.
    published = work / "bi" / "mqx_bi.duckdb"
    published.parent.mkdir()
    publish_ids = [
        publish.publish(
            first.duckdb_path, published, target_path=first.target_path, log=print
        ).publish_id
    ]
    stop, ready, out = work / "stop", work / "ready", work / "reader.json"
    reader = _start(READER_LOOP, published, stop, ready, out, "1800")
    try:
        _wait_for(ready, reader)
        incremental = run_dbt(["build"], raw, work / "warehouse")
        assert incremental.success, incremental.error or incremental.failures()
        publish_ids.append(
            publish.publish(
                incremental.duckdb_path, published, target_path=incremental.target_path, log=print
            ).publish_id
        )
        time.sleep(1)
    finally:
        stop.touch()
    reader_saw = _finish(reader, out)
    full = run_dbt([*MODELS_AND_SEEDS, "--full-refresh"], raw, work / "full_refresh")
    assert full.success, full.error or full.failures()
    return incremental, full, counts, reader_saw, publish_ids


def test_held_back_days_carry_events(incremental_and_full):
    _, _, counts, _, _ = incremental_and_full
    held = {table: c["held"] for table, c in counts.items()}
    assert held["segment.pages"] > 0 and held["marketo.activity_fill_out_form"] > 0, held
    assert all(c["kept"] + c["held"] == c["before"] for c in counts.values())


def test_event_models_ran_incrementally(incremental_and_full):
    incremental, _, _, _, _ = incremental_and_full
    run_results = json.loads((incremental.target_path / "run_results.json").read_text())
    compiled = {
        r["unique_id"].split(".")[-1]: r["compiled_code"] or ""
        for r in run_results["results"]
        if r["unique_id"].startswith("model.")
    }
    incremental_models = [name for name, sql in compiled.items() if "rows_to_resolve" in sql]
    # every event-grain base model read only new files and re-resolved the ids they carry
    assert len(incremental_models) >= 10, incremental_models
    assert "base_segment__pages" in incremental_models
    assert "not in" in compiled["base_segment__pages"]


def test_resynced_rows_resolve_as_in_a_full_refresh(incremental_and_full):
    incremental, _, _, _, _ = incremental_and_full
    deleted = incremental.scalar(
        "select count(*) from staging.base_salesforce__tasks "
        "where row_outcome = 'deleted' and _mqx_file like '%part-99999%'"
    )
    superseded = incremental.scalar(
        "select count(*) from staging.base_salesforce__tasks as t "
        "where row_outcome = 'duplicate' and _mqx_file not like '%part-99999%' "
        "and task_id in (select task_id from staging.base_salesforce__tasks "
        "where row_outcome = 'deleted' and _mqx_file like '%part-99999%')"
    )
    assert deleted == 2 and superseded == 2, (deleted, superseded)


def test_incremental_run_equals_full_refresh(incremental_and_full):
    incremental, full, _, _, _ = incremental_and_full
    after, reference = incremental.checksums(SCHEMAS), full.checksums(SCHEMAS)
    assert len(reference) > 40, f"too few tables compared: {sorted(reference)}"
    assert after.keys() == reference.keys()
    differing = {
        name: (after[name], reference[name]) for name in after if after[name] != reference[name]
    }
    assert not differing, f"tables where incremental != full refresh: {differing}"


def test_bi_reader_never_failed_during_the_daily_build(incremental_and_full):
    _, _, _, reader_saw, publish_ids = incremental_and_full
    assert reader_saw["failures"] == [], reader_saw["failures"][:5]
    assert reader_saw["iterations"] > 20, reader_saw
    # it read the build before and, once published, the build after; never anything else
    assert set(reader_saw["seen"]) == set(publish_ids), (reader_saw["seen"], publish_ids)


def test_marketo_resyncs_moved_and_removed_verdicts(incremental_and_full):
    incremental, _, _, _, _ = incremental_and_full
    # the opens whose later copy is set aside lost their verdicts
    opens_set_aside = incremental.scalar(
        "select count(distinct email_open_id) from staging.base_marketo__email_opens "
        "where row_outcome = 'set_aside' and raw_activity_date = 'n/a' "
        "and _mqx_file like '%part-99999%' and email_open_id not in ("
        "select email_activity_id from staging.base_marketo__email_bot_verdicts "
        "where activity_type = 'open')"
    )
    # the moved clicks are judged under their new lead
    clicks_moved = incremental.scalar(
        "select count(*) from staging.base_marketo__email_clicks as click "
        "inner join staging.base_marketo__email_bot_verdicts as verdict "
        "on verdict.activity_type = 'click' and verdict.email_activity_id = click.email_click_id "
        "and verdict.marketo_lead_id = click.marketo_lead_id "
        "where click.row_outcome = 'staged' and click._mqx_file like '%part-99999%' "
        "and click.fivetran_synced_at = timestamp '2026-11-16 08:00:00'"
    )
    opens_moved = incremental.scalar(
        "select count(*) from staging.base_marketo__email_opens as opened "
        "inner join staging.base_marketo__email_bot_verdicts as verdict "
        "on verdict.activity_type = 'open' and verdict.email_activity_id = opened.email_open_id "
        "and verdict.marketo_lead_id = opened.marketo_lead_id "
        "where opened.row_outcome = 'staged' and opened._mqx_file like '%part-99999%' "
        "and opened.fivetran_synced_at = timestamp '2026-11-16 08:00:00'"
    )
    deliveries_moved = incremental.scalar(
        "select count(*) from staging.base_marketo__email_deliveries "
        "where row_outcome = 'staged' and _mqx_file like '%part-99999%' "
        "and fivetran_synced_at = timestamp '2026-11-16 08:00:00'"
    )
    assert (opens_set_aside, opens_moved, clicks_moved, deliveries_moved) == (2, 2, 2, 2)


FEATURES = "intermediate.int_unit_signal_features_weekly"
FEATURE_MODELS = ["run", "-s", "int_run_calendar", "int_unit_signal_features_weekly"]


def _features_only_in_each(warehouse, other) -> tuple[int, int]:
    """Rows of the signal features in one warehouse and not the other, each way (a bag)."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute(f"attach '{other}' as other (read_only)")
        return con.execute(
            f"select (select count(*) from (from {FEATURES} except all from other.{FEATURES})),"
            f" (select count(*) from (from other.{FEATURES} except all from {FEATURES}))"
        ).fetchone()


def test_signal_features_compute_only_changed_units_and_new_dates(
    small_world, small_world_build, tmp_path
):
    """A week later (a new weekly date), the incremental run of the weekly signal features
    keeps the stored rows of unchanged units and computes only the new dates for them; a
    unit whose signals changed is computed on every date. The stored rows are marked
    (intent_score -1) to see which ones the run kept."""
    shutil.copyfile(small_world_build.duckdb_path, tmp_path / "mqx.duckdb")
    run_date = small_world_build.scalar(
        "select max(run_as_of_date) from intermediate.int_run_calendar"
    )
    week_before = json.dumps({"as_of_date": str(run_date - timedelta(days=7))})
    raw = small_world / "raw"
    first = run_dbt([*FEATURE_MODELS, "--full-refresh", "--vars", week_before], raw, tmp_path)
    assert first.success, first.error or first.failures()
    with duckdb.connect(str(first.duckdb_path)) as con:
        last_weekly = con.execute(
            f"select max(as_of_date) from {FEATURES} where not is_run_date"
        ).fetchone()[0]
        changed = con.execute(
            f"select unit_type, unit_id from {FEATURES} where not is_run_date "
            "group by all order by count(*) desc, unit_id limit 1"
        ).fetchone()
        con.execute(f"update {FEATURES} set intent_score = -1")
        # as if the unit's signals had changed since its rows were stored
        con.execute(
            f"update {FEATURES} set signals_fingerprint = 0 where unit_type = ? and unit_id = ?",
            list(changed),
        )
        stored = con.execute(f"select unit_type, unit_id, as_of_date from {FEATURES}").fetchall()

    second = run_dbt(FEATURE_MODELS, raw, tmp_path)
    assert second.success, second.error or second.failures()
    calendar = {d for (d,) in second.query("select as_of_date from intermediate.int_run_calendar")}
    expected = {
        row for row in stored if row[:2] != changed and row[2] in calendar and row[2] <= last_weekly
    }
    kept = set(
        second.query(
            f"select unit_type, unit_id, as_of_date from {FEATURES} where intent_score = -1"
        )
    )
    assert kept == expected, (len(kept), len(expected))
    assert len(kept) > len(stored) / 2, "most stored rows should be kept, not computed again"
    new_week_rows, changed_rows, changed_min = second.query(
        f"select count(*) filter (where not is_run_date and as_of_date > '{last_weekly}'), "
        f"count(*) filter (where unit_type = '{changed[0]}' and unit_id = '{changed[1]}'), "
        f"min(intent_score) filter (where unit_type = '{changed[0]}' and unit_id = '{changed[1]}') "
        f"from {FEATURES}"
    )[0]
    assert new_week_rows > 0, "a week later every active unit has a row on the new weekly date"
    assert changed_rows > 1 and changed_min >= 0, (changed_rows, changed_min)

    # run again on the same day: the same rows (the run-date rows replaced, not doubled)
    shutil.copyfile(second.duckdb_path, tmp_path / "second.duckdb")
    third = run_dbt(FEATURE_MODELS, raw, tmp_path)
    assert third.success, third.error or third.failures()
    assert _features_only_in_each(third.duckdb_path, tmp_path / "second.duckdb") == (0, 0)


def test_full_refresh_in_unit_batches_equals_one_statement(
    small_world, small_world_build, tmp_path
):
    """A full refresh of the weekly signal features computed in three batches of units
    (unit_batch_signals a third of the signals) stores the same rows as the build's one
    statement."""
    shutil.copyfile(small_world_build.duckdb_path, tmp_path / "mqx.duckdb")
    signals = small_world_build.scalar("select count(*) from intermediate.int_unit_signals")
    assert small_world_build.scalar(f"select count(*) from {FEATURES}") > 0
    batched = json.dumps({"unit_batch_signals": signals // 3 + 1})
    build = run_dbt(
        [*FEATURE_MODELS, "--full-refresh", "--vars", batched], small_world / "raw", tmp_path
    )
    assert build.success, build.error or build.failures()
    log = (tmp_path / "logs" / "dbt.log").read_text()
    assert "computed in 3 batches of units" in log and "batch 3 of 3" in log
    assert _features_only_in_each(build.duckdb_path, small_world_build.duckdb_path) == (0, 0)


def test_unit_batch_signals_below_one_is_a_clear_error(small_world, tmp_path):
    build = run_dbt(["parse", "--vars", '{"unit_batch_signals": 0}'], small_world / "raw", tmp_path)
    assert not build.success
    assert "var unit_batch_signals must be a whole number of signals above 0, got 0" in (
        build.error or ""
    ), build.error
