"""Tests for the synthetic world generator (python -m mqx.world)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from mqx.world import WorldConfig, generate
from mqx.world.config import RAW_TABLES
from mqx.world.writer import BOMBORA_HEADER, WorldExistsError

REQUIRED = {
    ("salesforce", "account"): ["id", "name", "created_date"],
    ("salesforce", "contact"): ["id", "created_date", "account_id", "email"],
    ("salesforce", "lead"): ["id", "created_date", "status", "rejection_reason_c"],
    ("salesforce", "opportunity"): ["id", "account_id", "created_date", "amount", "type"],
    ("salesforce", "opportunity_contact_role"): ["id", "opportunity_id", "contact_id"],
    ("salesforce", "task"): ["id", "created_date", "who_id"],
    ("salesforce", "event"): ["id", "created_date", "who_id", "type"],
    ("salesforce", "campaign"): ["id", "name", "type", "actual_cost"],
    ("salesforce", "campaign_member"): ["id", "campaign_id", "status"],
    ("marketo", "lead"): ["id", "email", "sfdc_lead_id", "sfdc_contact_id"],
    ("marketo", "activity_send_email"): ["id", "lead_id", "activity_date"],
    ("marketo", "activity_email_delivered"): ["id", "lead_id", "activity_date"],
    ("marketo", "activity_open_email"): ["id", "lead_id", "activity_date", "is_bot_activity"],
    ("marketo", "activity_click_email"): ["id", "lead_id", "activity_date", "link"],
    ("marketo", "activity_fill_out_form"): [
        "id",
        "lead_id",
        "activity_date",
        "primary_attribute_value",
    ],
    ("segment", "pages"): ["id", "timestamp", "context_user_agent", "path"],
    ("segment", "identifies"): ["id", "timestamp", "user_id"],
    ("segment", "ip_companies"): ["ip", "domain"],
    ("g2", "buyer_intent"): ["day", "company_domain", "signal_type"],
    ("marketing", "spend"): ["spend_date", "channel", "amount_usd"],
}


def _make(root: Path, **kw) -> tuple[WorldConfig, dict]:
    cfg = WorldConfig(
        accounts=kw.pop("accounts", 250),
        seed=kw.pop("seed", 11),
        out=root / "raw",
        truth=root / "truth",
        quiet=True,
        **kw,
    )
    return cfg, generate(cfg)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> tuple[WorldConfig, dict]:
    return _make(tmp_path_factory.mktemp("world"))


def _read(cfg: WorldConfig, source: str, table: str) -> pd.DataFrame:
    folder = cfg.out / source / table
    if cfg.format == "parquet":
        return pd.concat([pd.read_parquet(p) for p in sorted(folder.glob("*.parquet"))])
    return pd.concat(
        [pd.read_csv(p, dtype=str, encoding="utf-8-sig") for p in sorted(folder.glob("*.csv"))]
    )


def _truth(cfg: WorldConfig, name: str) -> pd.DataFrame:
    return pd.read_parquet(cfg.truth / f"{name}.parquet")


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_config_gives_identical_bytes(tmp_path: Path) -> None:
    a, _ = _make(tmp_path / "a", accounts=120)
    b, _ = _make(tmp_path / "b", accounts=120)
    assert _digest(a.out) == _digest(b.out)
    truth_a = {k: v for k, v in _digest(a.truth).items() if k != "manifest.json"}
    truth_b = {k: v for k, v in _digest(b.truth).items() if k != "manifest.json"}
    assert truth_a == truth_b
    c, _ = _make(tmp_path / "c", accounts=120, seed=12)
    assert _digest(c.out) != _digest(a.out)


def test_every_contract_table_and_required_column(world) -> None:
    cfg, summary = world
    for (source, table), cols in REQUIRED.items():
        frame = _read(cfg, source, table)
        assert len(frame) > 0, f"{source}.{table} is empty"
        missing = set(cols) - set(frame.columns)
        assert not missing, f"{source}.{table} lacks {missing}"
    for source, tables in RAW_TABLES.items():
        for table in tables:
            assert summary["raw_row_counts"][f"{source}.{table}"] > 0


def test_bombora_weekly_files(world) -> None:
    cfg, _ = world
    files = sorted((cfg.out / "bombora" / "surge").glob("MasterSurgeFile_*_*.csv"))
    assert len(files) == cfg.weeks
    for f in files:
        day = dt.datetime.strptime(f.name.split("_")[1], "%Y%m%d").date()
        assert day.weekday() == 0
        assert f.read_text().splitlines()[0] == BOMBORA_HEADER
    surge = pd.concat([pd.read_csv(f) for f in files])
    assert (surge["Composite Score"] >= 60).any()


def test_in_market_share_near_five_percent(world) -> None:
    cfg, _ = world
    acc = _truth(cfg, "accounts")
    weeks = _truth(cfg, "in_market_weeks")
    icp_ids = set(acc.loc[acc["is_icp"], "account_id"])
    icp_weeks = weeks[weeks["account_id"].isin(icp_ids)]
    share = len(icp_weeks) / (len(icp_ids) * cfg.weeks)
    assert 0.025 <= share <= 0.08
    poor = weeks[~weeks["account_id"].isin(icp_ids)]
    poor_share = len(poor) / ((len(acc) - len(icp_ids)) * cfg.weeks)
    assert poor_share < share / 3
    assert 0.35 <= acc["is_icp"].mean() <= 0.65


def test_machine_share_follows_bot_share(world, tmp_path: Path) -> None:
    cfg, _ = world
    truth = _truth(cfg, "email_activities")
    assert abs(truth["is_machine"].mean() - cfg.bot_share) < 0.04
    assert set(truth["machine_kind"].dropna()) == {"apple_mpp", "security_scanner", "link_checker"}
    flagged = truth.loc[truth["is_machine"], "vendor_flagged"].mean()
    assert 0.05 < flagged < 0.7
    assert not truth.loc[~truth["is_machine"], "vendor_flagged"].any()
    low, _ = _make(tmp_path / "low", accounts=100, bot_share=0.15, dirt=0.0)
    low_truth = _truth(low, "email_activities")
    assert abs(low_truth["is_machine"].mean() - 0.15) < 0.04


def test_truth_covers_every_open_and_click(world) -> None:
    cfg, _ = world
    truth = _truth(cfg, "email_activities")
    for table in ("activity_open_email", "activity_click_email"):
        raw_ids = set(_read(cfg, "marketo", table)["id"])
        t_ids = set(truth.loc[truth["source_table"] == table, "activity_id"])
        assert raw_ids == t_ids


def test_machine_rows_are_detectable_and_humans_rarely_look_like_machines(world) -> None:
    cfg, _ = world
    con = duckdb.connect()
    for name in ("activity_open_email", "activity_click_email", "activity_email_delivered"):
        con.register(name, _read(cfg, "marketo", name).drop_duplicates("id"))
    con.register("truth", _truth(cfg, "email_activities"))
    flags = con.sql("""
        with ev as (
            select 'open' as k, id, lead_id, campaign_id, email_template_id, user_agent,
                is_bot_activity, null as link,
                strptime(replace(activity_date, ' UTC', ''), '%Y-%m-%d %H:%M:%S.%g') as t
            from activity_open_email
            union all
            select 'click', id, lead_id, campaign_id, email_template_id, user_agent,
                is_bot_activity, link,
                strptime(replace(activity_date, ' UTC', ''), '%Y-%m-%d %H:%M:%S.%g')
            from activity_click_email
        ),
        dl as (
            select lead_id, campaign_id, email_template_id,
                min(strptime(replace(activity_date, ' UTC', ''), '%Y-%m-%d %H:%M:%S.%g')) as d
            from activity_email_delivered group by all
        ),
        j as (
            select ev.*, dl.d,
                count(*) filter (where ev.k = 'open') over w as opens,
                lag(ev.t) over (partition by ev.lead_id, ev.campaign_id, ev.email_template_id
                                order by ev.t) as prev_t,
                lead(ev.t) over (partition by ev.lead_id, ev.campaign_id, ev.email_template_id
                                 order by ev.t) as next_t
            from ev left join dl using (lead_id, campaign_id, email_template_id)
            window w as (partition by ev.lead_id, ev.campaign_id, ev.email_template_id)
        )
        select j.id, j.k, t.is_machine, t.machine_kind, j.t, j.d, j.prev_t, j.next_t, j.opens,
            j.user_agent, coalesce((lower(coalesce(is_bot_activity, '')) in ('true', '1')
             or regexp_matches(lower(coalesce(user_agent, '')),
                               'barracuda|mimecast|proofpoint|safelinks|linkcheck')
             or date_diff('millisecond', prev_t, t) <= 2000
             or date_diff('millisecond', t, next_t) <= 2000
             or date_diff('millisecond', d, t) <= 60000
             or (k = 'click' and opens = 0)
             or t < d), false) as suspicious
        from j join truth t on t.activity_id = j.id
    """).df()
    machine = flags[flags["is_machine"]]
    human = flags[~flags["is_machine"]]
    assert machine["suspicious"].all()
    assert human["suspicious"].mean() < 0.005, human[human["suspicious"]].head(20).to_string()


def test_dirty_rows_truth_matches_raw(world) -> None:
    cfg, _ = world
    dirty = _truth(cfg, "dirty_rows")
    assert set(dirty["expected_outcome"]) == {"duplicate", "deleted", "set_aside", "cleaned"}
    for (source, table), rows in dirty.groupby(["source", "table_name"]):
        raw = _read(cfg, source, table)
        counts = raw["id"].value_counts()
        dup = rows.loc[rows["expected_outcome"] == "duplicate", "raw_id"]
        assert (counts.reindex(dup).fillna(0) >= 2).all(), f"{source}.{table}"
        deleted = rows.loc[rows["expected_outcome"] == "deleted", "raw_id"]
        if deleted.empty:
            continue
        flags = raw.loc[raw["id"].isin(deleted), "is_deleted"].str.lower()
        assert flags.isin(["true", "1"]).all() and len(flags) >= len(deleted)
        if (rows["dirt_kind"] == "null_id").any():
            assert raw["id"].isna().sum() == (rows["dirt_kind"] == "null_id").sum()
    opp = _read(cfg, "salesforce", "opportunity")
    assert (opp["amount"] == "n/a").any()
    # a soft-deleted account whose contacts are still there
    acc = _read(cfg, "salesforce", "account")
    gone = set(acc.loc[acc["is_deleted"].str.lower().isin(["true", "1"]), "id"])
    contacts = _read(cfg, "salesforce", "contact")
    assert contacts["account_id"].isin(gone).any()


def test_clean_world_has_no_dirt(tmp_path: Path) -> None:
    cfg, _ = _make(tmp_path, accounts=60, dirt=0.0)
    assert len(_truth(cfg, "dirty_rows")) == 0
    lead = _read(cfg, "salesforce", "lead")
    assert lead["id"].notna().all() and lead["id"].is_unique


def test_csv_mode_with_bom(tmp_path: Path) -> None:
    cfg, summary = _make(tmp_path, accounts=60, format="csv")
    boms = [p for p in cfg.out.rglob("*.csv") if p.read_bytes()[:3] == b"\xef\xbb\xbf"]
    assert len(boms) == 1
    assert not list(cfg.out.rglob("*.parquet"))
    contact = _read(cfg, "salesforce", "contact")
    assert "id" in contact.columns
    assert (
        len(_read(cfg, "marketo", "activity_open_email"))
        == summary["raw_row_counts"]["marketo.activity_open_email"]
    )


def test_poor_fit_heavy_users_engage_but_never_buy(world) -> None:
    cfg, _ = world
    people = _truth(cfg, "people")
    acc = _truth(cfg, "accounts")
    heavy = people[people["is_heavy_user"]]
    assert len(heavy) >= 20
    heavy_acc = set(heavy["account_id"].dropna())
    assert not acc.loc[acc["account_id"].isin(heavy_acc), "is_icp"].any()
    forms = _read(cfg, "marketo", "activity_fill_out_form")
    per_lead = forms.groupby("lead_id").size()
    heavy_rate = per_lead.reindex(heavy["marketo_lead_id"]).fillna(0).mean()
    others = people[~people["is_heavy_user"] & people["marketo_lead_id"].notna()]
    other_rate = per_lead.reindex(others["marketo_lead_id"]).fillna(0).mean()
    assert heavy_rate > 4 * other_rate
    episodes = _truth(cfg, "episodes")
    assert not episodes["account_id"].isin(heavy_acc).any()
    assert people["is_student"].any() and people["is_free_mail"].any()
    assert people["is_competitor"].any()


def test_episodes_lead_to_new_business(world) -> None:
    cfg, _ = world
    episodes = _truth(cfg, "episodes")
    opp = _read(cfg, "salesforce", "opportunity").drop_duplicates("id", keep="last")
    linked = episodes["opportunity_id"].dropna()
    assert 0.4 <= len(linked) / len(episodes) <= 0.8
    types = opp.set_index("id").loc[linked, "type"]
    assert (types == "New Business").all()
    hand = _truth(cfg, "hand_raises")
    assert len(hand) > 0


def test_refuses_foreign_folder_and_reruns_over_own(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "precious.txt").write_text("keep me")
    with pytest.raises(WorldExistsError):
        _make(tmp_path, accounts=30)
    assert (tmp_path / "raw" / "precious.txt").exists()
    cfg, _ = _make(tmp_path, accounts=30, force=True)
    _make(tmp_path, accounts=30)  # a previous world is overwritten without --force
    manifest = json.loads((cfg.truth / "manifest.json").read_text())
    assert manifest["config"]["accounts"] == 30
