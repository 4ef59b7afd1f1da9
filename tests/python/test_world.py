"""Tests for the synthetic world generator (python -m mqx.world)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from mqx.world import WorldConfig, generate, holdback
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
    files = sorted(folder.glob("*.csv")) + sorted(folder.glob("*.csv.gz"))
    return pd.concat([pd.read_csv(p, dtype=str, encoding="utf-8-sig") for p in files])


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


def test_quiet_generation_reports_its_progress_to_a_callback(tmp_path: Path) -> None:
    # the bench generates quietly and logs these lines (L takes minutes): one per chunk
    # here (every 0 s), the events counted are the rows written bar the two global tables
    def config(name: str) -> WorldConfig:
        root = tmp_path / name
        return WorldConfig(
            accounts=250,
            seed=11,
            out=root / "raw",
            truth=root / "truth",
            quiet=True,
            chunk_size=100,
        )

    lines: list[str] = []
    summary = generate(config("every_chunk"), report=lines.append, report_every_s=0)
    assert [line.split(" events ")[0] for line in lines] == [
        "chunk 1/3 accounts 100/250",
        "chunk 2/3 accounts 200/250",
        "chunk 3/3 accounts 250/250",
    ]
    rows = summary["raw_row_counts"]
    events = sum(rows.values()) - rows["salesforce.campaign"] - rows["marketing.spend"]
    assert lines[-1].split(" events ")[1].split(" ")[0] == f"{events:,}"
    # every 30 s (the bench's): only the last chunk of a world made in less
    quiet: list[str] = []
    generate(config("every_30_s"), report=quiet.append)
    assert [line.split(" events ")[0] for line in quiet] == ["chunk 3/3 accounts 250/250"]


def test_hold_back_reports_each_table_as_it_is_done(world, tmp_path: Path) -> None:
    cfg, summary = world
    raw = tmp_path / "raw"
    shutil.copytree(cfg.out, raw)
    lines: list[str] = []
    end_date = dt.date.fromisoformat(summary["end_date"])
    counts = holdback.hold_back(raw, tmp_path / "held", end_date, report=lines.append)
    assert len(counts) > 5
    assert lines == [f"{t}: {c['kept']:,} kept, {c['held']:,} held" for t, c in counts.items()]


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
    # one table with Windows line endings, one gzip-compressed part file
    crlf = [p for p in cfg.out.rglob("*.csv") if b"\r\n" in p.read_bytes()]
    assert {p.parent.name for p in crlf} == {"lead"}
    assert all(p.read_bytes().count(b"\n") == p.read_bytes().count(b"\r\n") for p in crlf)
    gz = list(cfg.out.rglob("*.csv.gz"))
    assert len(gz) == 1
    delivered = _read(cfg, "marketo", "activity_email_delivered")
    assert len(delivered) == summary["raw_row_counts"]["marketo.activity_email_delivered"]
    lead = _read(cfg, "salesforce", "lead")
    assert lead["status"].notna().all() and not lead["status"].str.endswith("\r").any()
    _assert_messy_spellings(cfg)


def _assert_messy_spellings(cfg: WorldConfig) -> None:
    """Booleans spelled true/false/TRUE/FALSE/1/0; timestamps with and without fractional
    seconds and with and without a trailing ' UTC'."""
    spellings: set[str] = set()
    for table, col in [
        ("account", "is_deleted"),
        ("lead", "is_converted"),
        ("opportunity", "is_closed"),
        ("opportunity_contact_role", "is_primary"),
        ("campaign_member", "has_responded"),
    ]:
        spellings |= set(_read(cfg, "salesforce", table)[col].dropna())
    assert {"true", "false", "TRUE", "FALSE", "1", "0"} <= spellings
    stamps = pd.concat(
        [
            _read(cfg, "salesforce", "lead")["created_date"],
            _read(cfg, "marketo", "lead")["created_at"],
            _read(cfg, "marketo", "activity_open_email")["activity_date"],
        ]
    ).dropna()
    frac = stamps.str.contains(r":\d\d\.\d+", regex=True)
    utc = stamps.str.endswith(" UTC")
    assert frac.any() and (~frac).any() and utc.any() and (frac & utc).any()


def test_messy_spellings_in_parquet(world) -> None:
    cfg, _ = world
    _assert_messy_spellings(cfg)


# every timestamp column the generator writes; planned dates (an open opportunity's
# close_date, a campaign's start/end) may lie after the world's end and are not listed
EVENT_TIME_COLUMNS = {
    ("salesforce", "account"): ["created_date", "_fivetran_synced"],
    ("salesforce", "contact"): ["created_date", "_fivetran_synced"],
    ("salesforce", "lead"): ["created_date", "converted_date", "_fivetran_synced"],
    ("salesforce", "opportunity"): ["created_date", "_fivetran_synced"],
    ("salesforce", "task"): ["created_date", "activity_date", "_fivetran_synced"],
    ("salesforce", "event"): ["created_date", "start_date_time", "_fivetran_synced"],
    ("salesforce", "campaign_member"): ["created_date", "first_responded_date"],
    ("marketo", "lead"): ["created_at", "updated_at", "_fivetran_synced"],
    ("marketo", "activity_send_email"): ["activity_date", "_fivetran_synced"],
    ("marketo", "activity_email_delivered"): ["activity_date", "_fivetran_synced"],
    ("marketo", "activity_open_email"): ["activity_date", "_fivetran_synced"],
    ("marketo", "activity_click_email"): ["activity_date", "_fivetran_synced"],
    ("marketo", "activity_fill_out_form"): ["activity_date", "_fivetran_synced"],
    ("segment", "pages"): ["timestamp", "received_at", "uuid_ts"],
    ("segment", "identifies"): ["timestamp", "received_at"],
    ("g2", "buyer_intent"): ["day"],
    ("marketing", "spend"): ["spend_date"],
}


def _ts(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.replace(" UTC", "", regex=False)
    return pd.to_datetime(text, errors="coerce", format="mixed")


def _dirty_ids(cfg: WorldConfig, source: str, table: str, kind: str | None = None) -> set:
    dirty = _truth(cfg, "dirty_rows")
    rows = dirty[(dirty["source"] == source) & (dirty["table_name"] == table)]
    if kind is not None:
        rows = rows[rows["dirt_kind"] == kind]
    return set(rows["raw_id"].dropna())


def test_nothing_happens_after_the_end_date(world) -> None:
    cfg, _ = world
    limit = pd.Timestamp(cfg.end_date) + pd.Timedelta(days=1)
    future_dirt = 0
    for (source, table), cols in EVENT_TIME_COLUMNS.items():
        raw = _read(cfg, source, table)
        allowed = _dirty_ids(cfg, source, table, "future_created_date")
        for col in cols:
            late = raw[_ts(raw[col]) >= limit]
            if col in ("created_date",) and allowed:
                assert set(late["id"]) <= allowed, f"{source}.{table}.{col}"
                # recorded future dirt lies years ahead, far past any build's clock
                assert (_ts(late[col]) >= pd.Timestamp("2030-01-01")).all()
                future_dirt += len(late)
            else:
                assert late.empty, f"{source}.{table}.{col}: {late[col].head().tolist()}"
    dirty = _truth(cfg, "dirty_rows")
    assert future_dirt == (dirty["dirt_kind"] == "future_created_date").sum() > 0
    assert (
        (dirty.loc[dirty["dirt_kind"] == "future_created_date", "expected_outcome"])
        .eq("set_aside")
        .all()
    )


def test_synced_at_or_after_the_record_changed(world) -> None:
    cfg, _ = world
    limit = pd.Timestamp(cfg.end_date) + pd.Timedelta(days=1)
    for (source, table), cols in EVENT_TIME_COLUMNS.items():
        if "_fivetran_synced" not in cols:
            continue
        raw = _read(cfg, source, table)
        raw = raw[~raw["id"].isin(_dirty_ids(cfg, source, table, "future_created_date"))]
        synced = _ts(raw["_fivetran_synced"])
        assert synced.notna().all() and (synced < limit).all(), f"{source}.{table}"
        for col in cols:
            if col == "_fivetran_synced":
                continue
            changed = _ts(raw[col])
            early = synced < changed
            assert not early.any(), f"{source}.{table}: synced before {col}"
        # a re-sync copy lands after the copy it replaces
        dup = _dirty_ids(cfg, source, table, "resync")
        if dup:
            copies = raw[raw["id"].isin(dup)].assign(_synced=synced)
            spread = copies.groupby("id")["_synced"].agg(["min", "max", "size"])
            assert (spread["size"] >= 2).all() and (spread["max"] > spread["min"]).all()


def test_contact_roles_name_real_contacts_of_the_deal_account(world) -> None:
    cfg, _ = world
    roles = _read(cfg, "salesforce", "opportunity_contact_role")
    contacts = _read(cfg, "salesforce", "contact").dropna(subset=["id"])
    opps = _read(cfg, "salesforce", "opportunity").drop_duplicates("id")
    nulled = _dirty_ids(cfg, "salesforce", "opportunity_contact_role", "null_foreign_key")
    assert set(roles.loc[roles["contact_id"].isna(), "id"]) == nulled
    assert len(nulled) <= max(1, round(len(roles) * cfg.dirt))
    named = roles.dropna(subset=["contact_id"])
    assert len(named) > 0
    contact_account = contacts.drop_duplicates("id").set_index("id")["account_id"]
    assert named["contact_id"].isin(contact_account.index).all()
    opp_account = opps.set_index("id")["account_id"]
    assert (
        contact_account.loc[named["contact_id"]].to_numpy()
        == opp_account.loc[named["opportunity_id"]].to_numpy()
    ).all()
    # no set-aside dirt on a contact that a role points at
    for kind in ("bad_timestamp", "future_created_date"):
        assert not named["contact_id"].isin(_dirty_ids(cfg, "salesforce", "contact", kind)).any()


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


def test_keyless_tables_have_unique_natural_keys(world) -> None:
    """Tables without an id (G2, spend, IP enrichment) land one row per natural key, so
    staging's dedupe by key removes nothing the truth does not call a duplicate."""
    cfg, _ = world
    keys = {
        ("g2", "buyer_intent"): [
            "day",
            "company_domain",
            "signal_type",
            "product_name",
            "category_name",
            "left_product_name",
            "right_product_name",
        ],
        ("marketing", "spend"): ["spend_date", "channel", "campaign_id", "campaign_name"],
        ("segment", "ip_companies"): ["ip"],
    }
    for (source, table), cols in keys.items():
        raw = _read(cfg, source, table)
        assert not raw.duplicated(cols).any(), f"{source}.{table}"
