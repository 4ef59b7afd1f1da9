"""mqx.bot_eval.measure_bot_filter on a tiny hand-made DuckDB and truth folder (no dbt),
and the bot user agent list against user agents of real people."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from mqx.bot_eval import measure_bot_filter

SEED = Path(__file__).resolve().parents[2] / "seeds" / "bot_user_agents.csv"


def _make_world(tmp_path: Path, *, miss_link_checker: bool, flag_human_click: bool):
    """Staging tables as dbt would leave them, plus the truth for the same activities.

    Opens and clicks share ids on purpose ('1', '2'): the measure must tell them apart.
    """
    db = tmp_path / "built.duckdb"
    truth = tmp_path / "truth"
    truth.mkdir()
    con = duckdb.connect(str(db))
    con.execute("create schema staging")
    removed = [
        ("open", "1", "bot_user_agent", "bot_user_agent,soon_after_delivery"),
        ("click", "1", "vendor_flag", "vendor_flag,same_email_burst"),
    ]
    kept_clicks = []
    if flag_human_click:
        removed.append(("click", "2", "click_without_open", "click_without_open"))
    else:
        kept_clicks.append("2")
    if miss_link_checker:
        kept_clicks.append("3")
    else:
        removed.append(("click", "3", "soon_after_delivery", "soon_after_delivery"))
    con.execute("create table staging.stg_marketo__email_opens (email_open_id varchar)")
    con.execute("insert into staging.stg_marketo__email_opens values ('2')")
    con.execute("create table staging.stg_marketo__email_clicks (email_click_id varchar)")
    for click_id in kept_clicks:
        con.execute("insert into staging.stg_marketo__email_clicks values (?)", [click_id])
    con.execute(
        "create table staging.stg_marketo__email_bot_activities (activity_type varchar, "
        "email_activity_id varchar, bot_rule varchar, bot_rules_fired varchar)"
    )
    con.executemany(
        "insert into staging.stg_marketo__email_bot_activities values (?, ?, ?, ?)", removed
    )
    con.execute("create table staging.stg_segment__pages (page_view_id varchar)")
    con.execute("insert into staging.stg_segment__pages values ('p2'), ('p3')")
    con.execute(
        "create table staging.stg_segment__bot_page_views (page_view_id varchar, bot_rule varchar)"
    )
    con.execute("insert into staging.stg_segment__bot_page_views values ('p1', 'bot_user_agent')")

    con.execute(f"""
        copy (
            select * from (values
                ('activity_open_email', '1', 'L1', true, 'apple_mpp', false),
                ('activity_open_email', '2', 'L1', false, null, false),
                ('activity_click_email', '1', 'L2', true, 'security_scanner', true),
                ('activity_click_email', '2', 'L2', false, null, false),
                ('activity_click_email', '3', 'L3', true, 'link_checker', false),
                ('activity_open_email', '9', 'L9', false, null, false)
            ) as t(source_table, activity_id, lead_id, is_machine, machine_kind, vendor_flagged)
        ) to '{truth / "email_activities.parquet"}' (format parquet)
    """)
    con.execute(f"""
        copy (
            select * from (values
                ('p1', true, 'crawler'),
                ('p2', false, null),
                ('p3', false, null),
                ('p4', true, 'script')
            ) as t(page_id, is_bot, bot_kind)
        ) to '{truth / "page_views.parquet"}' (format parquet)
    """)
    con.close()
    return db, truth


def test_measures_misses_and_false_positives(tmp_path):
    db, truth = _make_world(tmp_path, miss_link_checker=True, flag_human_click=True)
    result = measure_bot_filter(db, truth)
    email = result["email"]

    # 3 machine rows judged (open 1, click 1, click 3): the link checker click was kept
    assert email["machine"] == {
        "total": 3,
        "removed": 2,
        "removed_share": pytest.approx(2 / 3, abs=1e-5),
    }
    # 2 human rows judged (open 2, click 2): click 2 was wrongly removed; open 9 unjudged
    assert email["human"] == {"total": 2, "removed": 1, "removed_share": 0.5}
    assert email["unjudged"] == 1

    assert email["by_rule"]["vendor_flag"]["machine_first_rule"] == 1
    assert email["by_rule"]["same_email_burst"]["machine_fired"] == 1
    assert email["by_rule"]["same_email_burst"]["machine_first_rule"] == 0
    assert email["by_rule"]["click_without_open"]["human_fired"] == 1
    assert email["by_rule"]["click_without_open"]["human_fired_share"] == 0.5
    assert email["by_rule"]["all_links_at_once"]["machine_fired"] == 0

    assert email["by_kind"]["link_checker"]["removed_share"] == 0.0
    assert email["by_kind"]["apple_mpp"]["by_first_rule"] == {"bot_user_agent": 1}
    assert email["by_kind"]["human"]["by_first_rule"] == {"click_without_open": 1, "kept": 1}

    web = result["web"]
    assert web["machine"] == {"total": 1, "removed": 1, "removed_share": 1.0}
    assert web["human"] == {"total": 2, "removed": 0, "removed_share": 0.0}
    assert web["unjudged"] == 1  # p4 never reached staging
    assert result["meets_targets"] is False


def test_meets_targets_when_every_machine_and_no_human_is_removed(tmp_path):
    db, truth = _make_world(tmp_path, miss_link_checker=False, flag_human_click=False)
    result = measure_bot_filter(db, truth)
    assert result["email"]["machine"]["removed_share"] == 1.0
    assert result["email"]["human"]["removed_share"] == 0.0
    assert result["meets_targets"] is True


HUMAN_USER_AGENTS = [
    # Gmail's image proxy fetches images when a person opens the email: human.
    "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
    "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/4.0 (compatible; ms-office; MSOffice 16)",
]


def _matches(pattern: str, user_agent: str) -> bool:
    """The seed's matching rule, as the staging models apply it."""
    pattern = pattern.strip()
    if pattern.lower().startswith("exact:"):
        return user_agent.strip().lower() == pattern[6:].strip().lower()
    return pattern.lower() in user_agent.lower()


def test_bot_user_agent_list_spares_people():
    with SEED.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows, "seeds/bot_user_agents.csv is empty"
    hits = [
        (row["user_agent_pattern"], ua)
        for row in rows
        for ua in HUMAN_USER_AGENTS
        if _matches(row["user_agent_pattern"], ua)
    ]
    assert not hits, f"bot patterns matching people's user agents: {hits}"
    assert _matches("exact:Mozilla/5.0", "Mozilla/5.0")
    assert any(row["user_agent_pattern"] == "exact:Mozilla/5.0" for row in rows)
