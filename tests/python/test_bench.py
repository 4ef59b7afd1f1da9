"""Unit tests of the bench's parts: sizes, targets, formatting, the lower-bound query, and
the timed publish.

No dbt runs here: the results are made up, the raw root is a few hand-written files; the
publish test copies the small world's build."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mqx import bench


def _row(size: str, **values: float) -> dict:
    row = {
        "size": size,
        "accounts": bench.SIZES.get(size, 100),
        "raw_rows": 1_234_567,
        "events": 1_000_000,
        "generate_s": 10.0,
        "build_s": 40.0,
        "run_s": 30.0,
        "lower_bound_s": 2.0,
        "build_peak_rss_mb": 1536.4,
        "incremental_s": 8.0,
        "publish_s": 3.0,
    }
    row.update(values)
    return row


def _result(rows: list[dict]) -> dict:
    return {
        "date": "2026-11-22 12:00 UTC",
        "machine": {"nproc": 2, "total_ram_gb": 23.4, "cpu_model": "Test CPU @ 2.0GHz"},
        "method": {"rss": "rusage wrapper", "lower_bound_threads": 2},
        "command": "python -m mqx.bench --sizes S",
        "sizes": rows,
        "targets": bench.evaluate_targets(rows),
    }


def _verdicts(rows: list[dict]) -> dict[str, str]:
    return {v["id"]: v["result"] for v in bench.evaluate_targets(rows)}


# --- sizes -----------------------------------------------------------------------------------


def test_parse_sizes_named_and_custom():
    assert bench.parse_sizes("S") == [("S", 2_000)]
    assert bench.parse_sizes("s, M,L") == [("S", 2_000), ("M", 50_000), ("L", 200_000)]
    assert bench.parse_sizes("500") == [("n500", 500)]


@pytest.mark.parametrize("text", ["", "XL", "5", "S,,Q"])
def test_parse_sizes_rejects_unknown(text):
    with pytest.raises(ValueError):
        bench.parse_sizes(text)


# --- targets ---------------------------------------------------------------------------------


def test_targets_not_measured_without_their_size():
    assert _verdicts([_row("S")]) == {
        "m_build": "not measured",
        "m_run_ratio": "not measured",
        "m_incremental": "not measured",
        "l_peak_rss": "not measured",
        "s_demo": "pass",
    }


def test_targets_pass_and_fail_on_m():
    good = _row("M", build_s=120.0, run_s=12.0, lower_bound_s=2.0)  # limits are inclusive
    assert _verdicts([good])["m_build"] == "pass"
    assert _verdicts([good])["m_run_ratio"] == "pass"
    bad = _row("M", build_s=120.1, run_s=12.2, lower_bound_s=2.0)
    assert _verdicts([bad])["m_build"] == "fail"
    assert _verdicts([bad])["m_run_ratio"] == "fail"


def test_demo_target_is_strict_and_sums_generation_and_build():
    assert _verdicts([_row("S", generate_s=20.0, build_s=39.9)])["s_demo"] == "pass"
    assert _verdicts([_row("S", generate_s=20.0, build_s=40.0)])["s_demo"] == "fail"
    verdict = next(v for v in bench.evaluate_targets([_row("S")]) if v["id"] == "s_demo")
    assert verdict["value"] == pytest.approx(50.0)


def test_incremental_share_of_the_full_build_and_l_memory():
    verdicts = _verdicts([_row("M", build_s=100.0, incremental_s=15.0)])
    assert verdicts["m_incremental"] == "pass"
    assert _verdicts([_row("M", build_s=100.0, incremental_s=15.1)])["m_incremental"] == "fail"
    assert _verdicts([_row("L", build_peak_rss_mb=12 * 1024.0)])["l_peak_rss"] == "pass"
    assert _verdicts([_row("L", build_peak_rss_mb=12 * 1024.0 + 1)])["l_peak_rss"] == "fail"
    assert _verdicts([_row("M", incremental_s=None)])["m_incremental"] == "not measured"


def test_peak_rss_is_the_largest_of_every_measured_command():
    # at L (111a2e6) the run-only reached 10.7 GB and the publish 9.9 GB, the build 9.1 GB
    steps = {"build_peak_rss_mb": 9129.4, "run_peak_rss_mb": 10706.3}
    row = bench.derive_metrics(_row("L", **steps, publish_peak_rss_mb=9911.8))
    assert row["peak_rss_mb"] == pytest.approx(10706.3)
    over = {"incremental_peak_rss_mb": 12 * 1024.0 + 1}
    assert _verdicts([_row("L", **over)])["l_peak_rss"] == "fail"
    assert _verdicts([_row("L", publish_peak_rss_mb=12 * 1024.0 + 1)])["l_peak_rss"] == "fail"
    assert _verdicts([_row("L", **steps)])["l_peak_rss"] == "pass"
    none = {f"{step}_peak_rss_mb": None for step in bench.PEAK_RSS_STEPS}
    assert bench.derive_metrics(_row("L", **none))["peak_rss_mb"] is None
    assert _verdicts([_row("L", **none)])["l_peak_rss"] == "not measured"


def test_derive_metrics_ratio_and_missing_parts():
    row = bench.derive_metrics(_row("S", run_s=9.0, lower_bound_s=1.5))
    assert row["run_lb_ratio"] == pytest.approx(6.0)
    assert row["generate_build_s"] == pytest.approx(50.0)
    empty = bench.derive_metrics({"size": "M", "run_s": None, "lower_bound_s": 0.0})
    assert empty["run_lb_ratio"] is None
    assert empty["generate_build_s"] is None


# --- formatting ------------------------------------------------------------------------------


def test_markdown_table_has_every_column_and_the_verdicts():
    md = bench.format_markdown(_result([_row("S"), _row("M", build_s=150.0)]))
    lines = md.splitlines()
    header = next(line for line in lines if line.startswith("| size |"))
    for _, title in bench.COLUMNS:
        assert f"| {title} |" in header or header.endswith(f"| {title} |")
    for target in bench.TARGETS:
        assert target["label"] in header
    s_line = next(line for line in lines if line.startswith("| S |"))
    cells = [c.strip() for c in s_line.strip("|").split("|")]
    assert cells[:13] == [
        "S",
        "2,000",
        "1,234,567",
        "1,000,000",
        "10.0",
        "40.0",
        "30.0",
        "2.00",
        "15.0x",
        "1,536",
        "8.0",
        "20%",
        "3.0",
    ]
    assert cells[13:] == ["—", "—", "—", "—", "pass"]  # M and L targets: not the S row
    m_line = next(line for line in lines if line.startswith("| M |"))
    # 150 s build, 30 s run vs 2 s lower bound, incremental 8 s = 5% of the build
    assert m_line.rstrip().endswith("| fail | fail | pass | — | — |")
    # every table row has as many cells as the header
    n = header.count("|")
    assert all(line.count("|") == n for line in (s_line, m_line))
    assert "Test CPU @ 2.0GHz, 2 CPUs, 23.4 GB RAM" in md
    assert "2026-11-22 12:00 UTC" in md
    assert "| M full build ≤ 120 s | 150.0 s | fail |" in md
    assert "| M run-only ≤ 6x lower bound | 15.0x | fail |" in md


def test_text_table_is_aligned():
    text = bench.format_text(_result([_row("S"), _row("n500", accounts=500)]))
    table = [line for line in text.splitlines() if line.startswith(("size", "S ", "n500", "--"))]
    assert len(table) == 4
    assert len({len(line) for line in table}) == 1
    assert "S generation + build < 60 s: pass (measured 50.0 s)" in text
    assert "M full build ≤ 120 s: not measured (measured —)" in text


def test_write_results_writes_markdown_and_json(tmp_path):
    result = _result([_row("S")])
    out = tmp_path / "nested" / "results.md"
    json_path = bench.write_results(result, out)
    assert out.read_text() == bench.format_markdown(result)
    assert json_path == tmp_path / "nested" / "results.json"
    assert json.loads(json_path.read_text())["sizes"][0]["size"] == "S"


# --- lower bound -----------------------------------------------------------------------------


def _parquet(path: Path, columns: dict[str, list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns), path)


@pytest.fixture
def tiny_raw_root(tmp_path: Path) -> Path:
    root = tmp_path / "raw"
    opens = root / "marketo" / "activity_open_email"
    _parquet(opens / "part-00000.parquet", {"id": ["1", "2", "3"], "lead_id": ["7", "7", None]})
    _parquet(opens / "part-00001.parquet", {"id": ["4", "5"], "lead_id": ["8", "7"]})
    _parquet(
        root / "segment" / "pages" / "part-00000.parquet",
        {
            "id": ["p1", "p2", "p3", "p4"],
            "user_id": [None, "u1", None, "u1"],
            "anonymous_id": ["a1", "a2", "a1", "a3"],
        },
    )
    surge = root / "bombora" / "surge"
    surge.mkdir(parents=True)
    (surge / "MasterSurgeFile_20261109_1.csv").write_text(
        "Company,Domain,Topic,Composite Score\n"
        "Acme,acme.com,Sales Engagement,71\n"
        "Acme,acme.com,Sales Automation,40\n"
        "Beta,beta.io,Sales Engagement,65\n"
    )
    # not an event table: must not be read
    _parquet(root / "salesforce" / "account" / "part-00000.parquet", {"id": ["001A"]})
    # an event folder with no files: left out
    (root / "salesforce" / "task").mkdir(parents=True)
    return root


def test_lower_bound_sql_reads_only_event_tables_with_files(tiny_raw_root):
    sql = bench.lower_bound_sql(tiny_raw_root)
    assert "activity_open_email/part-00000.parquet" in sql
    assert "activity_open_email/part-00001.parquet" in sql
    assert "segment/pages" in sql
    assert "MasterSurgeFile_20261109_1.csv" in sql
    assert "salesforce/account" not in sql
    assert "salesforce/task" not in sql


def test_lower_bound_counts_every_row_per_key(tiny_raw_root):
    lower = bench.run_lower_bound(tiny_raw_root, threads=2)
    assert lower["rows"] == 5 + 4 + 3
    assert lower["threads"] == 2
    assert lower["seconds"] >= 0
    assert lower["per_table"] == {
        # a null key is still a row (its own group)
        "marketo.activity_open_email": {"rows": 5, "keys": 3},
        "segment.pages": {"rows": 4, "keys": 2},  # u1, a1
        "bombora.surge": {"rows": 3, "keys": 2},
    }


def test_lower_bound_without_event_files_is_a_clear_error(tmp_path):
    with pytest.raises(bench.BenchError, match="no raw event files"):
        bench.lower_bound_sql(tmp_path)


def test_lower_bound_sql_escapes_quotes_in_paths(tmp_path):
    root = tmp_path / "o'raw"
    _parquet(root / "g2" / "buyer_intent" / "part-00000.parquet", {"company_domain": ["x.com"]})
    assert bench.run_lower_bound(root)["rows"] == 1


# --- which code ran ----------------------------------------------------------------------------


def _committed_repo(root: Path) -> Callable[..., str]:
    """A git checkout at root with model.sql committed; returns a git runner for it."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    git("init", "-q")
    (root / "model.sql").write_text("select 1\n")
    git("add", "model.sql")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "one")
    return git


def test_code_version_names_the_commit_and_uncommitted_changes(tmp_path):
    assert bench.code_version(tmp_path) is None  # not a git checkout
    head = _committed_repo(tmp_path)("rev-parse", "--short", "HEAD")
    assert bench.code_version(tmp_path) == head
    (tmp_path / "model.sql").write_text("select 2\n")
    assert bench.code_version(tmp_path) == f"{head}-dirty"


def test_tree_digest_changes_with_any_edit_to_the_code(tmp_path):
    assert bench.tree_digest(tmp_path) is None  # not a git checkout
    _committed_repo(tmp_path)
    clean = bench.tree_digest(tmp_path)
    assert clean is not None and bench.tree_digest(tmp_path) == clean
    (tmp_path / "model.sql").write_text("select 2\n")
    first_edit = bench.tree_digest(tmp_path)
    (tmp_path / "model.sql").write_text("select 3\n")
    second_edit = bench.tree_digest(tmp_path)
    (tmp_path / "new_model.sql").write_text("select 4\n")  # a new file, not yet added
    # code_version says '-dirty' for all three edits; the digest tells them apart
    assert len({clean, first_edit, second_edit, bench.tree_digest(tmp_path)}) == 4


def test_results_warn_when_the_code_changed_during_the_run():
    result = _result([_row("S")])
    result["code"] = "abc1234"
    assert "changed while the bench ran" not in bench.format_markdown(result)
    result["code_changed_during_run"] = True
    assert "- code: abc1234 (the code changed while the bench ran" in bench.format_markdown(result)
    assert "code abc1234 (the code changed while the bench ran" in bench.format_text(result)


def test_markdown_names_the_code():
    result = _result([_row("S")])
    result["code"] = "abc1234-dirty"
    assert "- code: abc1234-dirty" in bench.format_markdown(result)
    assert "code abc1234-dirty" in bench.format_text(result)


def test_full_build_starts_from_no_warehouse_and_no_saved_parse(tmp_path):
    size_dir = tmp_path / "S"
    (size_dir / "target").mkdir(parents=True)
    (size_dir / "target" / "partial_parse.msgpack").write_bytes(b"parse")
    (size_dir / "raw").mkdir()
    (size_dir / "raw" / "events.csv").write_text("id\n1\n")
    duckdb_path = size_dir / "mqx.duckdb"
    duckdb_path.write_bytes(b"db")
    (size_dir / "mqx.duckdb.wal").write_bytes(b"wal")

    bench.clear_build_state(size_dir, duckdb_path)

    assert sorted(p.name for p in size_dir.iterdir()) == ["raw"]
    assert (size_dir / "raw" / "events.csv").read_text() == "id\n1\n"
    bench.clear_build_state(size_dir, duckdb_path)  # nothing left to clear: no error


DBT_LINES = [
    "01:17:31  1 of 632 START sql incremental model staging.base_bombora__surges ..... [RUN]",
    "01:17:31  2 of 632 START sql incremental model staging.base_g2__buyer_intent .. [RUN]",
    "01:17:31  2 of 632 OK created sql incremental model staging.base_g2__buyer_intent [OK in 1s]",
    "01:17:33  1 of 632 OK created sql incremental model staging.base_bombora__surges [OK in 2s]",
    "01:18:02  40 of 632 START test unique_people_person_id ......................... [RUN]",
    "01:18:02  40 of 632 FAIL 1 unique_people_person_id ................... [FAIL 1 in 0.2s]",
]


def test_dbt_progress_counts_finished_nodes(tmp_path):
    output = tmp_path / "dbt.out"
    assert bench.dbt_nodes_done(output) == ""  # no output yet
    output.write_text("01:17:26  Running with dbt=1.11.16\n")
    assert bench.dbt_nodes_done(output) == ""
    output.write_text("\n".join(DBT_LINES) + "\n")
    assert bench.dbt_nodes_done(output) == ", 3 of 632 nodes done"


def test_heartbeat_says_how_far_the_command_is(tmp_path):
    # a stand-in for dbt: two nodes done, then a long one; the heartbeat reads its output
    script = "import time; print(" + repr("\n".join(DBT_LINES[:4])) + ", flush=True); time.sleep(2)"
    messages: list[str] = []
    result = bench.run_measured(
        [sys.executable, "-c", script],
        dict(os.environ),
        tmp_path,
        tmp_path / "standin.out",
        messages.append,
        "S: dbt build",
        heartbeat_s=0.5,
        sample_s=0.25,
    )
    assert result["returncode"] == 0
    assert messages, "no heartbeat in a 2 s command with a 0.5 s heartbeat"
    assert messages[-1].startswith("S: dbt build: still running, ")
    assert messages[-1].endswith(" s, 2 of 632 nodes done")


def test_sampled_peak_is_the_largest_process_in_the_tree(tmp_path):
    # the wrapper runs a process that starts another holding ~200 MB for 2 s
    holder = "import time; block = b'x' * (200 * 1024 * 1024); time.sleep(2)"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {holder!r}])"
    result = bench.run_measured(
        [sys.executable, "-c", parent],
        dict(os.environ),
        tmp_path,
        tmp_path / "holder.out",
        lambda line: None,
        "S: dbt build",
        sample_s=0.2,
    )
    assert result["returncode"] == 0
    assert 190 <= result["sampled_peak_rss_mb"] <= result["peak_rss_mb"] + 1
    assert result["sampled_peak_at"].tzinfo is not None


def _fake_proc(root: Path, processes: dict[int, tuple[int, int]]) -> Path:
    """A /proc stand-in: {pid: (parent pid, RSS in KiB)}."""
    for pid, (parent, rss_kib) in processes.items():
        (root / str(pid)).mkdir(parents=True)
        (root / str(pid) / "status").write_text(
            f"Name:\tx\nPPid:\t{parent}\nVmRSS:\t{rss_kib} kB\n"
        )
    (root / "self").mkdir()  # not a process number: skipped
    return root


def test_tree_rss_takes_the_largest_descendant_and_ignores_other_trees(tmp_path):
    proc = _fake_proc(
        tmp_path / "proc",
        {1: (0, 50), 10: (1, 100), 11: (10, 300), 12: (11, 900), 20: (1, 5000), 21: (20, 7000)},
    )
    assert bench.tree_rss_kib(10, proc) == 900  # a grandchild, not the other tree's 7000
    assert bench.tree_rss_kib(11, proc) == 900
    assert bench.tree_rss_kib(99, proc) == 0  # gone
    assert bench.tree_rss_kib(10, tmp_path / "no_proc") == 0


RUN_RESULTS = {
    "results": [
        {
            "unique_id": unique_id,
            "timing": [
                {"name": "compile", "started_at": f"2026-11-24T{start}Z", "completed_at": "x"},
                {
                    "name": "execute",
                    "started_at": f"2026-11-24T{start}.000000Z",
                    "completed_at": f"2026-11-24T{end}.000000Z",
                },
            ],
        }
        for unique_id, start, end in (
            ("model.mqx.int_a", "07:00:00", "07:00:30"),
            ("model.mqx.int_b", "07:00:20", "07:01:00"),
            ("test.mqx.unique_int_b_id.9f8e7d", "07:00:40", "07:00:50"),
            ("model.mqx.int_c", "07:02:00", "07:03:00"),
        )
    ]
}


def test_nodes_running_at_names_the_nodes_executing_then():
    def at(clock: str) -> dt.datetime:
        return dt.datetime.fromisoformat(f"2026-11-24T{clock}+00:00")

    assert bench.nodes_running_at(RUN_RESULTS, at("07:00:25")) == ["int_a", "int_b"]
    assert bench.nodes_running_at(RUN_RESULTS, at("07:00:45")) == ["int_b", "unique_int_b_id"]
    assert bench.nodes_running_at(RUN_RESULTS, at("07:01:30")) == []  # between nodes
    assert bench.nodes_running_at({}, at("07:00:25")) == []


def test_results_say_when_memory_peaked_and_what_ran():
    row = _row("L")
    row["peak_samples"] = {
        "run": {
            "rss_mb": 11_400.4,
            "at": dt.datetime(2026, 11, 24, 7, 30, 12, tzinfo=dt.UTC),
            "nodes": ["base_segment__pages", "int_unit_signal_features_weekly"],
        },
        "build": {"rss_mb": 9_000.0, "at": "2026-11-24 07:10:05.1+00:00", "nodes": []},
    }
    result = _result([row])
    markdown, text = bench.format_markdown(result), bench.format_text(result)
    line = (
        "L run-only: 11,400 MB at 07:30:12 UTC, during base_segment__pages, "
        "int_unit_signal_features_weekly"
    )
    assert f"- {line}" in markdown and line in text
    # read back from the JSON, the time is a string; no node executing (e.g. parsing)
    assert "- L full build: 9,000 MB at 07:10:05 UTC, during no node executing" in markdown
    assert "memory peaked" not in bench.format_markdown(_result([_row("S")]))


def test_publish_is_timed_and_its_file_removed(small_world_build, tmp_path):
    """The scheduled run's second step: timed like the dbt commands, and the published copy
    deleted afterwards (at L it is several GB)."""
    size_dir = tmp_path / "S"
    size_dir.mkdir()
    shutil.copytree(small_world_build.target_path, size_dir / "target")
    warehouse = size_dir / small_world_build.duckdb_path.name  # the name dbt built it under
    shutil.copyfile(small_world_build.duckdb_path, warehouse)
    env = bench.dbt_environment(tmp_path, warehouse, tmp_path)
    lines: list[str] = []

    stats = bench.run_publish(size_dir, warehouse, env, lines.append, "S: publish")

    assert stats["returncode"] == 0 and stats["seconds"] > 0, stats
    assert "marts.tier_history" in (size_dir / "publish.out").read_text()
    assert not (size_dir / "mqx_bi.duckdb").exists()

    warehouse.unlink()
    with pytest.raises(bench.BenchError, match=r"(?s)S: publish failed .*no work file at"):
        bench.run_publish(size_dir, warehouse, env, lines.append, "S: publish")
