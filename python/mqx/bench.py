"""Benchmark: generate a world, dbt build / dbt run it, and compare with a lower bound.

``python -m mqx.bench --sizes S[,M[,L]] [--out bench/results.md] [--workdir data/bench]``

For each size the bench

1. generates a world in-process with :mod:`mqx.world` (timed);
2. holds back the world's last day of events (:mod:`mqx.world.holdback`);
3. runs ``dbt build`` (the production build of ``make build``: no unit tests) on a
   fresh DuckDB file with no saved parse, as on a fresh clone (wall time);
4. runs ``dbt run --full-refresh`` (models only, no seeds or tests) on the same
   warehouse (wall time);
5. lands the held day as new files and runs ``dbt build`` again: the incremental run
   of a daily job (wall time, and its share of the full build), then ``python -m
   mqx.publish``, the scheduled run's second step (wall time);
6. times the *lower bound*: one DuckDB query (fresh in-memory connection, 2 threads)
   that reads every raw event row once and aggregates it per key (lead, account or
   domain), the work no implementation of the models can avoid;

then prints a table with the issue's targets as pass/fail columns and writes it as
Markdown to ``--out`` and as JSON next to it.

Peak RSS is the kernel's high-water mark: each measured command (dbt, publish) runs
under a fresh ``python -c`` wrapper that reads ``getrusage(RUSAGE_CHILDREN).ru_maxrss``
once it has exited, i.e. the largest resident set reached by one process of its tree
(dbt and DuckDB run in the same process), not a sum over processes. A size's peak RSS
(and the L target) is the largest over the full build, run-only, incremental build and
publish.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]

SIZES: dict[str, int] = {"S": 2_000, "M": 50_000, "L": 200_000}
LOWER_BOUND_THREADS = 2
# the production build, as the Makefile's DBT_BUILD: unit tests run in `make test`
BUILD = ["build", "--exclude-resource-type", "unit_test"]
RSS_METHOD = (
    "getrusage(RUSAGE_CHILDREN).ru_maxrss in a fresh python -c wrapper per command: "
    "high-water RSS of the largest process in its tree; the size's peak is the largest of "
    "the full build, run-only, incremental build and publish"
)

# The raw event tables the lower bound reads, and the key each is aggregated on.
EVENT_TABLES: list[tuple[str, str, str]] = [
    ("marketo", "activity_send_email", "lead_id"),
    ("marketo", "activity_email_delivered", "lead_id"),
    ("marketo", "activity_open_email", "lead_id"),
    ("marketo", "activity_click_email", "lead_id"),
    ("marketo", "activity_fill_out_form", "lead_id"),
    ("segment", "pages", "coalesce(user_id, anonymous_id)"),
    ("salesforce", "task", "coalesce(account_id, who_id)"),
    ("salesforce", "event", "coalesce(account_id, who_id)"),
    ("salesforce", "campaign_member", "coalesce(contact_id, lead_id)"),
    ("salesforce", "opportunity", "account_id"),
    ("g2", "buyer_intent", "company_domain"),
    ("bombora", "surge", '"Domain"'),
]

# Targets from the performance issue: (id, label, size, metric, operator, limit).
TARGETS: list[dict[str, Any]] = [
    {
        "id": "m_build",
        "label": "M full build ≤ 120 s",
        "size": "M",
        "metric": "build_s",
        "op": "<=",
        "limit": 120.0,
    },
    {
        "id": "m_run_ratio",
        "label": "M run-only ≤ 6x lower bound",
        "size": "M",
        "metric": "run_lb_ratio",
        "op": "<=",
        "limit": 6.0,
    },
    {
        "id": "m_incremental",
        "label": "M incremental ≤ 15% of full",
        "size": "M",
        "metric": "incremental_share",
        "op": "<=",
        "limit": 0.15,
    },
    {
        "id": "l_peak_rss",
        "label": "L peak RSS ≤ 12 GB",
        "size": "L",
        "metric": "peak_rss_mb",
        "op": "<=",
        "limit": 12 * 1024.0,
    },
    {
        "id": "s_demo",
        "label": "S generation + build < 60 s",
        "size": "S",
        "metric": "generate_build_s",
        "op": "<",
        "limit": 60.0,
    },
]

COLUMNS: list[tuple[str, str]] = [
    ("size", "size"),
    ("accounts", "accounts"),
    ("raw_rows", "raw rows"),
    ("events", "events"),
    ("generate_s", "generate s"),
    ("build_s", "build s"),
    ("run_s", "run-only s"),
    ("lower_bound_s", "lower bound s"),
    ("run_lb_ratio", "run/lower bound"),
    ("peak_rss_mb", "peak RSS MB"),
    ("incremental_s", "incremental s"),
    ("incremental_share", "incremental / full"),
    ("publish_s", "publish s"),
]

# A fresh interpreter per measured command, so RUSAGE_CHILDREN covers that command only.
_WRAPPER = """\
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
rc = subprocess.call(sys.argv[2:])
seconds = time.perf_counter() - t0
maxrss_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(sys.argv[1], "w") as fh:
    json.dump({"returncode": rc, "seconds": seconds, "maxrss_kib": maxrss_kib}, fh)
sys.exit(rc)
"""


class BenchError(RuntimeError):
    """A step failed; the message says which and why."""


# --- pure parts ------------------------------------------------------------------------------


def parse_sizes(text: str) -> list[tuple[str, int]]:
    """``"S,M"`` -> [("S", 2000), ("M", 50000)]; a plain number is a custom account count."""
    sizes: list[tuple[str, int]] = []
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            continue
        if item.upper() in SIZES:
            sizes.append((item.upper(), SIZES[item.upper()]))
        elif item.isdigit() and int(item) >= 10:
            sizes.append((f"n{int(item)}", int(item)))
        else:
            raise ValueError(f"unknown size {item!r}: use S, M, L or a number of accounts (>= 10)")
    if not sizes:
        raise ValueError("no sizes given")
    return sizes


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _file_list(files: list[Path]) -> str:
    return "[" + ", ".join(_sql_str(str(f)) for f in files) + "]"


def event_files(raw_root: Path) -> dict[str, tuple[str, list[Path], list[Path]]]:
    """Per event table: (key expression, Parquet files, CSV files); tables with no file left out."""
    found: dict[str, tuple[str, list[Path], list[Path]]] = {}
    for source, table, key in EVENT_TABLES:
        folder = Path(raw_root) / source / table
        if not folder.is_dir():
            continue
        parquet = sorted(folder.glob("*.parquet"))
        csv = sorted([*folder.glob("*.csv"), *folder.glob("*.csv.gz")])
        if parquet or csv:
            found[f"{source}.{table}"] = (key, parquet, csv)
    return found


def lower_bound_sql(raw_root: Path) -> str:
    """One query: every raw event row read once, counted per (table, key), summed per table.

    Returns one row per table: (table, rows, keys)."""
    selects = []
    for label, (key, parquet, csv) in event_files(raw_root).items():
        if parquet:
            selects.append(
                f"select {_sql_str(label)} as tbl, {key} as k "
                f"from read_parquet({_file_list(parquet)}, union_by_name = true)"
            )
        if csv:
            selects.append(
                f"select {_sql_str(label)} as tbl, {key} as k "
                f"from read_csv({_file_list(csv)}, union_by_name = true, header = true, "
                "all_varchar = true)"
            )
    if not selects:
        raise BenchError(f"no raw event files under {raw_root}")
    unioned = "\n    union all\n    ".join(selects)
    return (
        "with event_rows as (\n    " + unioned + "\n),\nper_key as (\n"
        "    select tbl, k, count(*) as n from event_rows group by tbl, k\n"
        ")\n"
        "select tbl, sum(n)::bigint as rows, count(*)::bigint as keys\n"
        "from per_key group by tbl order by tbl"
    )


def run_lower_bound(raw_root: Path, threads: int = LOWER_BOUND_THREADS) -> dict[str, Any]:
    """Run :func:`lower_bound_sql` on a fresh in-memory connection; time the query."""
    import duckdb

    sql = lower_bound_sql(raw_root)
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"set threads = {int(threads)}")
        t0 = time.perf_counter()
        rows = con.execute(sql).fetchall()
        seconds = time.perf_counter() - t0
    finally:
        con.close()
    per_table = {tbl: {"rows": int(n), "keys": int(k)} for tbl, n, k in rows}
    return {
        "seconds": seconds,
        "rows": sum(v["rows"] for v in per_table.values()),
        "threads": threads,
        "per_table": per_table,
    }


# The measured commands whose peak RSS counts for the size's peak (the largest).
PEAK_RSS_STEPS = ("build", "run", "incremental", "publish")


def derive_metrics(row: dict[str, Any]) -> dict[str, Any]:
    """Add the ratio, generate+build sum, incremental share and peak RSS (the largest of
    the measured commands') to a size's row (None when a part is missing)."""
    out = dict(row)
    peaks = [out.get(f"{step}_peak_rss_mb") for step in PEAK_RSS_STEPS]
    measured = [peak for peak in peaks if peak is not None]
    out["peak_rss_mb"] = max(measured) if measured else None
    run_s, lb_s = out.get("run_s"), out.get("lower_bound_s")
    out["run_lb_ratio"] = run_s / lb_s if run_s is not None and lb_s else None
    gen_s, build_s = out.get("generate_s"), out.get("build_s")
    out["generate_build_s"] = gen_s + build_s if gen_s is not None and build_s is not None else None
    incremental_s = out.get("incremental_s")
    out["incremental_share"] = (
        incremental_s / build_s if incremental_s is not None and build_s else None
    )
    return out


def _passes(value: float, op: str, limit: float) -> bool:
    if op == "<=":
        return value <= limit
    if op == "<":
        return value < limit
    raise ValueError(f"unknown operator {op!r}")


def evaluate_targets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each target against the row of its size: pass, fail, or not measured."""
    by_size = {r["size"]: derive_metrics(r) for r in rows}
    verdicts = []
    for target in TARGETS:
        row = by_size.get(target["size"])
        value = row.get(target["metric"]) if row else None
        if value is None:
            result = "not measured"
        else:
            result = "pass" if _passes(value, target["op"], target["limit"]) else "fail"
        verdicts.append({**target, "value": value, "result": result})
    return verdicts


def _fmt_int(value: Any) -> str:
    return "—" if value is None else f"{int(value):,}"


def _fmt_s(value: Any) -> str:
    return "—" if value is None else f"{value:.1f}"


def _fmt_cell(key: str, row: dict[str, Any]) -> str:
    value = row.get(key)
    if key == "size":
        return str(value)
    if key in ("accounts", "raw_rows", "events", "peak_rss_mb"):
        return _fmt_int(value)
    if key == "run_lb_ratio":
        return "—" if value is None else f"{value:.1f}x"
    if key == "incremental_share":
        return "—" if value is None else f"{value:.0%}"
    if key == "lower_bound_s":
        return "—" if value is None else f"{value:.2f}"
    return _fmt_s(value)


def _target_value(target: dict[str, Any], value: Any) -> str:
    if value is None:
        return "—"
    if target["metric"] == "run_lb_ratio":
        return f"{value:.1f}x"
    if target["metric"] == "incremental_share":
        return f"{value:.0%} of the full build"
    if target["metric"] == "peak_rss_mb":
        return f"{value:,.0f} MB"
    return f"{value:.1f} s"


def table_rows(result: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Header and cells of the results table, target verdicts as extra columns."""
    header = [title for _, title in COLUMNS] + [t["label"] for t in TARGETS]
    body = []
    for raw in result["sizes"]:
        row = derive_metrics(raw)
        cells = [_fmt_cell(key, row) for key, _ in COLUMNS]
        for verdict in evaluate_targets([row]):
            cells.append(verdict["result"] if verdict["size"] == row["size"] else "—")
        body.append(cells)
    return header, body


def _machine_line(machine: dict[str, Any]) -> str:
    return (
        f"{machine.get('cpu_model', '?')}, {machine.get('nproc', '?')} CPUs, "
        f"{machine.get('total_ram_gb', '?')} GB RAM"
    )


def _method_lines(result: dict[str, Any]) -> list[str]:
    method = result.get("method", {})
    return [
        f"peak RSS: {method.get('rss', RSS_METHOD)}",
        "lower bound: one DuckDB query, fresh in-memory connection, "
        f"threads = {method.get('lower_bound_threads', LOWER_BOUND_THREADS)}, reading every "
        "raw event row once and counting rows per key (lead id, account id or domain)",
        "run-only: `dbt run --full-refresh` (models, no seeds or tests) on the warehouse "
        "the build made",
        "full build: `dbt build` on a fresh warehouse of the world minus its last day of "
        "events, with no saved parse (a full parse, as on a fresh clone); incremental "
        "build: `dbt build` after that day lands as new files",
        "publish: `python -m mqx.publish` of the marts after the incremental build (a "
        "scheduled run is that build and this publish)",
    ]


def format_text(result: dict[str, Any]) -> str:
    """Plain-text table for the terminal."""
    header, body = table_rows(result)
    widths = [
        max(len(h), *(len(r[i]) for r in body)) if body else len(h) for i, h in enumerate(header)
    ]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    out = [
        f"mqx bench, {result['date']}, code {code_label(result)}",
        f"machine: {_machine_line(result['machine'])}",
        *_method_lines(result),
        "",
        line(header),
        line(["-" * w for w in widths]),
        *(line(r) for r in body),
        "",
        "targets:",
    ]
    for verdict in result["targets"]:
        out.append(
            f"  {verdict['label']}: {verdict['result']} "
            f"(measured {_target_value(verdict, verdict['value'])})"
        )
    peaks = peak_lines(result)
    if peaks:
        out += ["", "when memory peaked (RSS sampled every second):"]
        out += [f"  {line}" for line in peaks]
    return "\n".join(out) + "\n"


PEAK_STEP_NAMES = {"build": "full build", "run": "run-only", "incremental": "incremental build"}


def peak_lines(result: dict[str, Any]) -> list[str]:
    """One line per size and dbt command: the largest RSS sampled each second, when, and
    the dbt nodes executing at that moment (none named: between nodes, e.g. parsing)."""
    lines = []
    for row in result["sizes"]:
        for step, sample in (row.get("peak_samples") or {}).items():
            if not sample or sample.get("rss_mb") is None:
                continue
            at = sample["at"]
            when = at.strftime("%H:%M:%S") if isinstance(at, dt.datetime) else str(at)[11:19]
            nodes = ", ".join(sample.get("nodes") or []) or "no node executing"
            lines.append(
                f"{row['size']} {PEAK_STEP_NAMES.get(step, step)}: {sample['rss_mb']:,.0f} MB "
                f"at {when} UTC, during {nodes}"
            )
    return lines


def format_markdown(result: dict[str, Any]) -> str:
    """The same table as Markdown."""
    header, body = table_rows(result)
    numeric = [0 < i < len(COLUMNS) for i in range(len(header))]
    lines = [
        "# mqx benchmark",
        "",
        f"- date: {result['date']}",
        f"- machine: {_machine_line(result['machine'])}",
        *(f"- {m}" for m in _method_lines(result)),
        f"- command: `{result.get('command', 'python -m mqx.bench')}`",
        f"- code: {code_label(result)}",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---:" if n else "---" for n in numeric) + "|",
        *("| " + " | ".join(r) + " |" for r in body),
        "",
        "## Targets",
        "",
        "| target | measured | result |",
        "|---|---:|---|",
    ]
    for verdict in result["targets"]:
        lines.append(
            f"| {verdict['label']} | {_target_value(verdict, verdict['value'])} "
            f"| {verdict['result']} |"
        )
    peaks = peak_lines(result)
    if peaks:
        lines += ["", "## When memory peaked (RSS sampled every second)", ""]
        lines += [f"- {line}" for line in peaks]
    return "\n".join(lines) + "\n"


# --- machine, progress, subprocesses -----------------------------------------------------


def machine_info() -> dict[str, Any]:
    """nproc (CPUs this process may use), total RAM and the CPU model from /proc."""
    info: dict[str, Any] = {
        "nproc": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "cpu_model": platform.processor() or platform.machine(),
        "total_ram_gb": None,
        "python": platform.python_version(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["total_ram_gb"] = round(int(line.split()[1]) / 1024**2, 1)
                break
    except OSError:
        pass
    try:
        import duckdb

        info["duckdb"] = duckdb.__version__
    except ImportError:
        pass
    return info


def code_version(repo: Path) -> str | None:
    """The commit the bench ran (`git describe --always --dirty`: '-dirty' when tracked
    files differ from it), or None outside a git checkout."""
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


def tree_digest(repo: Path) -> str | None:
    """A digest of the commit, the uncommitted changes to tracked files and the names of
    files not ignored nor added yet, or None outside a git checkout: taken before and
    after the run, it tells whether the code changed while the bench ran (code_version
    says '-dirty' for any change)."""
    parts = []
    for args in (
        ["rev-parse", "HEAD"],
        ["diff", "HEAD", "--binary"],
        ["ls-files", "--others", "--exclude-standard"],
    ):
        try:
            done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True)
        except OSError:
            return None
        if done.returncode != 0:
            return None
        parts.append(done.stdout)
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def code_label(result: dict[str, Any]) -> str:
    """The code line of the results: the commit, and a warning when it changed mid-run."""
    label = result.get("code") or "not a git checkout"
    if result.get("code_changed_during_run"):
        label += " (the code changed while the bench ran: the figures may mix two versions)"
    return label


class Progress:
    """Progress lines on stderr: elapsed since the bench started, and the step."""

    def __init__(self, stream: Any = None) -> None:
        self.t0 = time.perf_counter()
        self.stream = stream if stream is not None else sys.stderr

    def __call__(self, message: str) -> None:
        elapsed = time.perf_counter() - self.t0
        print(f"[bench +{elapsed:7.1f}s] {message}", file=self.stream, flush=True)


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"(no output at {path})"
    return "\n".join(text.splitlines()[-lines:])


_DBT_NODE_DONE = re.compile(r"\b\d+ of (\d+) (?!START\b)[A-Z]")


def dbt_nodes_done(output: Path) -> str:
    """How far a dbt command is, from its output so far: ', 45 of 633 nodes done' (the
    result lines: OK, PASS, WARN, ERROR, FAIL, SKIP...), or '' before any (or for output
    that is not dbt's)."""
    try:
        text = output.read_text(errors="replace")
    except OSError:
        return ""
    done = _DBT_NODE_DONE.findall(text)
    return f", {len(done)} of {done[-1]} nodes done" if done else ""


def tree_rss_kib(root_pid: int, proc: Path = Path("/proc")) -> int:
    """The resident set (KiB) of the largest process in root_pid's tree, from /proc (0
    when /proc is not there): sampled while a command runs, to tell when its peak was."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in proc.iterdir() if proc.is_dir() else []:
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:  # the process ended while we looked
            continue
        for line in status.splitlines():
            if line.startswith("PPid:"):
                children.setdefault(int(line.split()[1]), []).append(int(entry.name))
            elif line.startswith("VmRSS:"):
                rss[int(entry.name)] = int(line.split()[1])
    largest, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        largest = max(largest, rss.get(pid, 0))
        stack.extend(children.get(pid, []))
    return largest


def nodes_running_at(run_results: dict[str, Any], at: dt.datetime) -> list[str]:
    """The names of the dbt nodes whose execution (run_results.json timing 'execute')
    spanned the moment `at` (timezone-aware)."""
    running = []
    for result in run_results.get("results", []):
        for timing in result.get("timing", []):
            if timing.get("name") != "execute":
                continue
            try:
                started = dt.datetime.fromisoformat(timing["started_at"].replace("Z", "+00:00"))
                ended = dt.datetime.fromisoformat(timing["completed_at"].replace("Z", "+00:00"))
            except (KeyError, AttributeError, ValueError):
                continue
            if started.tzinfo is None:
                started, ended = started.replace(tzinfo=dt.UTC), ended.replace(tzinfo=dt.UTC)
            if started <= at <= ended:
                # model.mqx.<name>, test.mqx.<name>.<hash>
                parts = result["unique_id"].split(".")
                running.append(parts[2] if len(parts) > 2 else result["unique_id"])
    return sorted(running)


def run_measured(
    cmd: list[str],
    env: dict[str, str],
    cwd: Path,
    output: Path,
    progress: Callable[[str], None],
    label: str,
    heartbeat_s: float = 30.0,
    sample_s: float = 1.0,
) -> dict[str, Any]:
    """Run cmd under the rusage wrapper, output to a file; wall time and peak RSS of its
    tree, and the RSS sampled every sample_s: its largest value and when it was seen."""
    stats_file = output.with_suffix(".rusage.json")
    stats_file.unlink(missing_ok=True)
    with output.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", _WRAPPER, str(stats_file), *cmd],
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        t0 = last_heartbeat = time.perf_counter()
        sampled_kib, sampled_at = 0, None
        try:
            while True:
                try:
                    proc.wait(timeout=sample_s)
                    break
                except subprocess.TimeoutExpired:
                    rss_kib = tree_rss_kib(proc.pid)
                    if rss_kib > sampled_kib:
                        sampled_kib, sampled_at = rss_kib, dt.datetime.now(dt.UTC)
                    if time.perf_counter() - last_heartbeat >= heartbeat_s:
                        last_heartbeat = time.perf_counter()
                        progress(
                            f"{label}: still running, {time.perf_counter() - t0:.0f} s"
                            f"{dbt_nodes_done(output)}"
                        )
        except BaseException:
            proc.wait()
            raise
    try:
        stats = json.loads(stats_file.read_text())
    except (OSError, ValueError):
        stats = {"returncode": proc.returncode, "seconds": None, "maxrss_kib": None}
    return {
        "returncode": stats["returncode"],
        "seconds": stats["seconds"],
        "peak_rss_mb": None if stats["maxrss_kib"] is None else stats["maxrss_kib"] / 1024,
        "sampled_peak_rss_mb": sampled_kib / 1024 if sampled_at else None,
        "sampled_peak_at": sampled_at,
    }


def dbt_environment(raw_root: Path, duckdb_path: Path, temp_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DBT_PROFILES_DIR": str(REPO),
            "MQX_TARGET": "duckdb",
            "MQX_RAW_ROOT": str(raw_root),
            "MQX_DUCKDB_PATH": str(duckdb_path),
            "MQX_DUCKDB_TEMP_DIR": str(temp_dir),
            "DBT_USE_COLORS": "false",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(REPO / "python"), os.environ.get("PYTHONPATH", "")) if p
            ),
        }
    )
    return env


def clear_build_state(size_dir: Path, duckdb_path: Path) -> None:
    """Forget what an earlier bench of this size built: the warehouse (and its WAL) and
    dbt's saved parse (target/, partial_parse.msgpack). The full build is then a fresh
    clone's first build: a full parse (~10 s at any size) and every model from scratch."""
    for stale in (duckdb_path, duckdb_path.with_name(duckdb_path.name + ".wal")):
        stale.unlink(missing_ok=True)
    shutil.rmtree(size_dir / "target", ignore_errors=True)


def run_dbt(
    dbt: Path,
    command: list[str],
    workdir: Path,
    env: dict[str, str],
    progress: Callable[[str], None],
    label: str,
) -> dict[str, Any]:
    """`dbt <command>` as a measured subprocess; raises BenchError with the log tail on failure."""
    output = workdir / f"dbt_{'_'.join(c.strip('-') for c in command)}.out"
    cmd = [
        str(dbt),
        *command,
        "--project-dir",
        str(REPO),
        "--target-path",
        str(workdir / "target"),
        "--log-path",
        str(workdir / "logs"),
    ]
    stats = run_checked(
        cmd, env, output, progress, label, f"(full dbt log: {workdir / 'logs' / 'dbt.log'})"
    )
    stats["peak_nodes"] = []
    if stats["sampled_peak_at"] is not None:
        try:
            run_results = json.loads((workdir / "target" / "run_results.json").read_text())
        except (OSError, ValueError):
            run_results = {}
        stats["peak_nodes"] = nodes_running_at(run_results, stats["sampled_peak_at"])
    return stats


def run_publish(
    size_dir: Path,
    duckdb_path: Path,
    env: dict[str, str],
    progress: Callable[[str], None],
    label: str,
) -> dict[str, Any]:
    """`python -m mqx.publish` of the size's warehouse into size_dir/mqx_bi.duckdb, measured;
    the published file is removed afterwards (at L it is several GB)."""
    published = size_dir / "mqx_bi.duckdb"
    cmd = [
        sys.executable,
        "-m",
        "mqx.publish",
        "--from",
        str(duckdb_path),
        "--to",
        str(published),
        "--target-path",
        str(size_dir / "target"),
    ]
    stats = run_checked(cmd, env, size_dir / "publish.out", progress, label)
    published.unlink(missing_ok=True)
    return stats


def run_checked(
    cmd: list[str],
    env: dict[str, str],
    output: Path,
    progress: Callable[[str], None],
    label: str,
    hint: str = "",
) -> dict[str, Any]:
    """run_measured, raising BenchError with the tail of the output when cmd fails."""
    stats = run_measured(cmd, env, REPO, output, progress, label)
    if stats["returncode"] != 0:
        raise BenchError(
            f"{label} failed (exit {stats['returncode']}); last lines of {output}:\n"
            f"{_tail(output)}" + (f"\n{hint}" if hint else "")
        )
    return stats


def bench_size(
    name: str,
    accounts: int,
    workdir: Path,
    dbt: Path,
    seed: int,
    progress: Callable[[str], None],
) -> dict[str, Any]:
    """Generate, build, run and lower-bound one size; returns its row."""
    from mqx.world import WorldConfig, generate, holdback
    from mqx.world.writer import WorldExistsError

    size_dir = workdir / name
    raw_root, truth = size_dir / "raw", size_dir / "truth"
    duckdb_path, temp_dir = size_dir / "mqx.duckdb", size_dir / "duckdb_tmp"
    size_dir.mkdir(parents=True, exist_ok=True)

    progress(f"{name}: generating a world of {accounts:,} accounts into {raw_root}")
    cfg = WorldConfig(accounts=accounts, seed=seed, out=raw_root, truth=truth, quiet=True)
    t0 = time.perf_counter()
    try:
        summary = generate(cfg, report=lambda line: progress(f"{name}: generating: {line}"))
    except WorldExistsError as exc:
        raise BenchError(f"{name}: cannot generate: {exc}") from exc
    generate_s = time.perf_counter() - t0
    raw_rows = sum(summary["raw_row_counts"].values())
    progress(f"{name}: generated {raw_rows:,} raw rows in {generate_s:.1f} s")

    clear_build_state(size_dir, duckdb_path)
    env = dbt_environment(raw_root, duckdb_path, temp_dir)

    held_root = size_dir / "held"
    shutil.rmtree(held_root, ignore_errors=True)
    held = holdback.hold_back(
        raw_root,
        held_root,
        holdback.world_end_date(truth),
        days=1,
        report=lambda line: progress(f"{name}: holding back: {line}"),
    )
    held_rows = sum(c["held"] for c in held.values())
    progress(f"{name}: held back the last day, {held_rows:,} event rows, to land later")

    progress(f"{name}: dbt build (fresh warehouse {duckdb_path})")
    build = run_dbt(dbt, BUILD, size_dir, env, progress, f"{name}: dbt build")
    progress(
        f"{name}: dbt build done in {build['seconds']:.1f} s, "
        f"peak RSS {build['peak_rss_mb'] or 0:.0f} MB"
    )

    progress(f"{name}: dbt run --full-refresh (models only, same warehouse)")
    run = run_dbt(dbt, ["run", "--full-refresh"], size_dir, env, progress, f"{name}: dbt run")
    progress(f"{name}: dbt run done in {run['seconds']:.1f} s")

    holdback.land(held_root, raw_root)
    progress(f"{name}: landed the held day; incremental dbt build")
    incremental = run_dbt(dbt, BUILD, size_dir, env, progress, f"{name}: incremental")
    progress(f"{name}: incremental dbt build done in {incremental['seconds']:.1f} s")
    published = run_publish(size_dir, duckdb_path, env, progress, f"{name}: publish")
    progress(f"{name}: published the marts for BI readers in {published['seconds']:.1f} s")

    progress(f"{name}: lower bound query ({LOWER_BOUND_THREADS} threads)")
    lower = run_lower_bound(raw_root)
    progress(f"{name}: lower bound {lower['rows']:,} event rows in {lower['seconds']:.2f} s")

    return derive_metrics(
        {
            "size": name,
            "accounts": accounts,
            "seed": seed,
            "raw_rows": raw_rows,
            "events": lower["rows"],
            "generate_s": generate_s,
            "build_s": build["seconds"],
            "run_s": run["seconds"],
            "incremental_s": incremental["seconds"],
            "publish_s": published["seconds"],
            "incremental_rows": held_rows,
            "incremental_peak_rss_mb": incremental["peak_rss_mb"],
            "publish_peak_rss_mb": published["peak_rss_mb"],
            "lower_bound_s": lower["seconds"],
            "build_peak_rss_mb": build["peak_rss_mb"],
            "run_peak_rss_mb": run["peak_rss_mb"],
            "peak_samples": {
                step: {
                    "rss_mb": stats["sampled_peak_rss_mb"],
                    "at": stats["sampled_peak_at"],
                    "nodes": stats.get("peak_nodes", []),
                }
                for step, stats in (("build", build), ("run", run), ("incremental", incremental))
            },
            "lower_bound_per_table": lower["per_table"],
            "raw_row_counts": summary["raw_row_counts"],
            "workdir": str(size_dir),
        }
    )


def write_results(result: dict[str, Any], out: Path) -> Path:
    """Markdown to ``out``, JSON next to it; returns the JSON path."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(format_markdown(result))
    json_path = out.with_suffix(".json")
    json_path.write_text(json.dumps(result, indent=2, sort_keys=True, default=str) + "\n")
    return json_path


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m mqx.bench",
        description=(
            "Time world generation, dbt build and dbt run per size against a lower bound "
            "(one DuckDB query over every raw event row)."
        ),
    )
    parser.add_argument(
        "--sizes",
        default="S",
        help="comma-separated: S (2,000 accounts), M (50,000), L (200,000) or a number",
    )
    parser.add_argument("--out", type=Path, default=Path("bench/results.md"), help="Markdown")
    parser.add_argument(
        "--workdir", type=Path, default=Path("data/bench"), help="worlds and warehouses"
    )
    parser.add_argument(
        "--dbt",
        type=Path,
        default=Path(sys.executable).parent / "dbt",
        help="dbt executable (default: the one next to this Python)",
    )
    parser.add_argument("--seed", type=int, default=7, help="world seed")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        sizes = parse_sizes(args.sizes)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not args.dbt.exists():
        print(f"error: no dbt at {args.dbt} (use --dbt)", file=sys.stderr)
        return 2
    workdir, out = args.workdir.resolve(), args.out.resolve()
    progress = Progress()
    result: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine_info(),
        "method": {"rss": RSS_METHOD, "lower_bound_threads": LOWER_BOUND_THREADS},
        "command": " ".join(["python -m mqx.bench", *(argv if argv is not None else sys.argv[1:])]),
        "code": code_version(Path.cwd()),
        "sizes": [],
    }
    digest = tree_digest(Path.cwd())
    try:
        for name, accounts in sizes:
            result["sizes"].append(
                bench_size(name, accounts, workdir, args.dbt, args.seed, progress)
            )
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    result["targets"] = evaluate_targets(result["sizes"])
    if digest != tree_digest(Path.cwd()):
        result["code_changed_during_run"] = True
        progress("warning: the code changed while the bench ran (a commit or an edit)")
    json_path = write_results(result, out)
    print(format_text(result))
    progress(f"wrote {out} and {json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
