"""Orchestration: global tables, then accounts in chunks, each written as its own part files."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from . import behaviour as bh
from . import config as c
from . import crm
from .common import MS_PER_DAY, MS_PER_WEEK, Counters, date_ms, fmt_date, int_ids, rng_for, sf_ids
from .context import Chunk
from .dirt import apply_dirt
from .email import catalogue, email_activity
from .firmographics import make_accounts
from .people import make_people
from .truth import TruthWriter
from .writer import Writer

GENERATOR_VERSION = "1"


def campaigns_table(cfg: c.WorldConfig, counters: Counters) -> pd.DataFrame:
    """Salesforce campaigns: monthly webinars, quarterly events, content, email, paid."""
    rng = rng_for(cfg.seed, "campaigns")
    start = date_ms(cfg.first_monday)
    rows = []
    for m in range(0, cfg.weeks, 4):
        rows.append(
            (
                "Webinar",
                f"Webinar: Sales Engagement Live #{m // 4 + 1}",
                start + m * MS_PER_WEEK + 2 * MS_PER_DAY,
                0,
                2_000 + 500 * (m % 3),
            )
        )
    for q in range(0, cfg.weeks, 13):
        rows.append(
            (
                "Event",
                f"RevOps Summit booth Q{q // 13 + 1}",
                start + (q + 6) * MS_PER_WEEK,
                2,
                25_000 + 5_000 * (q % 2),
            )
        )
    for k, title in enumerate(["SDR Playbook", "State of Sales Engagement", "RevOps Metrics"]):
        rows.append(("Content", f"Ebook: {title}", start + k * 8 * MS_PER_WEEK, 120, 8_000))
    rows.append(("Email", "Newsletter", start, cfg.weeks * 7, 1_500))
    rows.append(("Email", "Nurture: New Prospects", start, cfg.weeks * 7, 1_000))
    rows.append(("Advertisement", "Paid Search - Competitor Terms", start, cfg.weeks * 7, 0))
    rows.append(("Advertisement", "Paid Social - LinkedIn", start, cfg.weeks * 7, 0))
    rows.append(("Content", "Content Syndication - Q-Series", start, cfg.weeks * 7, 0))
    n = len(rows)
    s = np.array([r[2] for r in rows], dtype=np.int64)
    e = s + np.array([r[3] for r in rows], dtype=np.int64) * MS_PER_DAY
    end_ms = date_ms(cfg.end_date)
    status = np.where(e < end_ms, "Completed", np.where(s <= end_ms, "In Progress", "Planned"))
    return pd.DataFrame(
        {
            "id": sf_ids("701", counters.take("campaign", n)),
            "name": [r[1] for r in rows],
            "type": [r[0] for r in rows],
            "status": status,
            "start_date": fmt_date(s),
            "end_date": fmt_date(e),
            "actual_cost": [f"{r[4] * (1 + rng.random() * 0.1):.2f}" for r in rows],
            "is_deleted": "false",
            "_start_ms": s,
        }
    )


def spend_table(cfg: c.WorldConfig, campaigns: pd.DataFrame) -> pd.DataFrame:
    rng = rng_for(cfg.seed, "spend")
    days = (cfg.end_date - cfg.first_monday).days + 1
    scale = max(1.0, cfg.accounts / 2000)
    by_name = dict(zip(campaigns["name"], campaigns["id"], strict=True))
    channel_camp = {
        "Paid Search": "Paid Search - Competitor Terms",
        "Paid Social": "Paid Social - LinkedIn",
        "Content Syndication": "Content Syndication - Q-Series",
        "Email": "Newsletter",
    }
    base = {"Paid Search": 900, "Paid Social": 600, "Content Syndication": 300, "Email": 40}
    rows = []
    for d in range(days):
        day = cfg.first_monday + dt.timedelta(days=d)
        for ch in c.SPEND_CHANNELS:
            if ch == "Events":
                continue
            amt = base[ch] * scale * rng.lognormal(0, 0.25) * (0.5 if day.weekday() >= 5 else 1)
            rows.append(
                (day.isoformat(), ch, f"{amt:.2f}", by_name[channel_camp[ch]], channel_camp[ch])
            )
    ev = campaigns[campaigns["type"] == "Event"]
    for cid, name, start in zip(ev["id"], ev["name"], ev["_start_ms"], strict=True):
        day = dt.date(1970, 1, 1) + dt.timedelta(days=int(start // MS_PER_DAY))
        if day <= cfg.end_date:
            rows.append((day.isoformat(), "Events", f"{25_000 * scale:.2f}", cid, name))
    return pd.DataFrame(
        rows, columns=["spend_date", "channel", "amount_usd", "campaign_id", "campaign_name"]
    )


class Progress:
    """A line per chunk on stderr; when quiet, nothing, or with ``report`` a line to it
    at most every ``every_s`` seconds and on the last chunk (the bench's log)."""

    def __init__(
        self,
        quiet: bool,
        total_chunks: int,
        total_accounts: int,
        report: Callable[[str], None] | None = None,
        every_s: float = 30.0,
    ) -> None:
        self.quiet, self.total_chunks, self.total_accounts = quiet, total_chunks, total_accounts
        self.report, self.every_s = report, every_s
        self.t0 = self.reported_at = time.perf_counter()
        self.events = 0

    def update(self, chunk: int, accounts_done: int, events: int) -> None:
        self.events += events
        now = time.perf_counter()
        line = (
            f"chunk {chunk}/{self.total_chunks} accounts {accounts_done:,}/"
            f"{self.total_accounts:,} events {self.events:,} {now - self.t0:.0f}s"
        )
        if not self.quiet:
            print(f"[world] {line}", file=sys.stderr, flush=True)
        elif self.report is not None and (
            chunk == self.total_chunks or now - self.reported_at >= self.every_s
        ):
            self.report(line)
            self.reported_at = now


def _truth_accounts(ch: Chunk) -> pd.DataFrame:
    a = ch.accounts
    return pd.DataFrame(
        {
            "account_id": a["account_id"],
            "name": a["name"],
            "domain": a["domain"],
            "industry": a["industry"],
            "employees": a["employees"].astype(np.int64),
            "country": a["country"],
            "segment": a["segment"],
            "is_icp": a["is_icp"],
            "is_competitor": a["is_competitor"],
            "is_customer": a["is_customer"],
            "kind": a["kind"],
            "has_email_scanner": a["has_scanner"],
        }
    )


def _truth_people(ch: Chunk) -> pd.DataFrame:
    p = ch.people
    return pd.DataFrame(
        {
            "person_key": p["person_key"],
            "sfdc_lead_id": p["lead_id"],
            "sfdc_contact_id": p["contact_id"],
            "sfdc_converted_lead_id": p["converted_lead_id"],
            "marketo_lead_id": p["marketo_key"],
            "email": p["email"],
            "account_id": p["account_id"],
            "persona": p["persona"],
            "title": p["title"],
            "kind": p["kind"],
            "is_student": p["is_student"],
            "is_free_mail": p["is_free_mail"],
            "is_competitor": p["is_competitor"],
            "is_heavy_user": p["is_heavy_user"],
            "is_apple_mail": p["is_apple_mail"],
        }
    )


def _truth_episodes(ch: Chunk, episodes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    acc_ids = ch.accounts["account_id"].to_numpy()
    ep = pd.DataFrame(
        {
            "episode_id": episodes["episode_id"],
            "account_id": acc_ids[episodes["acc_local"].to_numpy()],
            "start_date": pd.to_datetime(episodes["start_ms"], unit="ms").dt.date,
            "end_date": pd.to_datetime(episodes["end_ms"], unit="ms").dt.date,
            "opportunity_id": episodes["opportunity_id"],
        }
    )
    lengths = (episodes["end_w"] - episodes["start_w"] + 1).to_numpy()
    rep = np.repeat(np.arange(len(episodes)), lengths)
    offs = np.arange(len(rep)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    week = episodes["start_w"].to_numpy()[rep] + offs
    imw = pd.DataFrame(
        {
            "account_id": ep["account_id"].to_numpy()[rep],
            "week_start": pd.to_datetime(ch.week_ms[week], unit="ms").date,
            "episode_id": episodes["episode_id"].to_numpy()[rep],
        }
    )
    return ep, imw


def run_chunk(ch: Chunk, cat: pd.DataFrame, campaigns: pd.DataFrame, first_chunk: bool) -> dict:
    crm.assign_identities(ch)
    episodes, in_market = bh.simulate_episodes(ch)
    pages, forms = bh.PageParts(), bh.FormParts()
    conv_opp = bh.episode_activity(ch, episodes, pages, forms)
    bh.noise_opportunities(ch)
    bh.background_pages(ch, pages)
    human_views = sum(len(x) for x in pages.cols["ts"])
    bh.bot_pages(ch, pages, human_views)
    bh.build_pages(ch, pages)
    bh.background_forms(ch, forms)
    bh.build_forms(ch, forms)
    bh.identifies_for_known(ch)
    bh.ip_companies(ch)
    bh.campaign_members(ch, campaigns)
    bh.background_touches(ch)
    mail = email_activity(ch, cat)
    ch.add("salesforce", "account", crm.account_table(ch))
    ch.add("salesforce", "contact", crm.contact_table(ch))
    ch.add("salesforce", "lead", crm.lead_table(ch, conv_opp))
    ch.add("marketo", "lead", crm.marketo_lead_table(ch))
    apply_dirt(ch)
    surge = bh.bombora(ch, in_market)
    ep, imw = _truth_episodes(ch, episodes)
    icp = ch.accounts["is_icp"].to_numpy()
    return {
        "surge": surge,
        "episodes": ep,
        "in_market_weeks": imw,
        "mail": mail,
        "icp_weeks": int(icp.sum()) * in_market.shape[1],
        "icp_in_market_weeks": int(in_market[icp].sum()),
    }


def generate(
    cfg: c.WorldConfig,
    report: Callable[[str], None] | None = None,
    report_every_s: float = 30.0,
) -> dict[str, Any]:
    """Generate the world described by ``cfg``; returns a summary (also in manifest.json).
    A quiet run (cfg.quiet) sends its progress to ``report``, if given, at most every
    ``report_every_s`` seconds."""
    t0 = time.perf_counter()
    writer = Writer(cfg)
    truth = TruthWriter(cfg.truth, cfg.force)
    writer.prepare()
    truth.prepare()
    counters = Counters()
    week_starts = [cfg.first_monday + dt.timedelta(weeks=w) for w in range(cfg.weeks)]
    week_ms = np.array([date_ms(d) for d in week_starts], dtype=np.int64)
    start_ms = int(week_ms[0])
    end_ms = date_ms(cfg.end_date) + MS_PER_DAY - 1000

    campaigns = campaigns_table(cfg, counters)
    writer.write("salesforce", "campaign", campaigns.drop(columns="_start_ms"), 0)
    writer.write("marketing", "spend", spend_table(cfg, campaigns), 0)
    cat = catalogue(cfg)

    n_chunks = (cfg.accounts + cfg.chunk_size - 1) // cfg.chunk_size
    progress = Progress(cfg.quiet, n_chunks, cfg.accounts, report, report_every_s)
    human = machine = 0.0
    icp_weeks = icp_in_market = 0
    person_next = 1
    for k in range(n_chunks):
        lo, hi = k * cfg.chunk_size, min(cfg.accounts, (k + 1) * cfg.chunk_size)
        rng = rng_for(cfg.seed, "chunk", k)
        accounts = make_accounts(
            rng, np.arange(lo, hi), start_ms, end_ms, with_competitors=(k == 0)
        )
        accounts["account_id"] = sf_ids("001", counters.take("account", len(accounts)))
        people = make_people(rng, accounts, person_next, start_ms, end_ms)
        person_next += len(people)
        ch = Chunk(
            cfg=cfg,
            index=k,
            rng=rng,
            counters=counters,
            accounts=accounts,
            people=people,
            start_ms=start_ms,
            end_ms=end_ms,
            week_ms=week_ms,
        )
        res = run_chunk(ch, cat, campaigns, k == 0)
        events = 0
        for (src, tbl), parts in sorted(ch.tables.items()):
            frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
            writer.write(src, tbl, frame, k)
            events += len(frame)
        writer.write_bombora(res["surge"], week_starts)
        truth.write("accounts", _truth_accounts(ch))
        truth.write("people", _truth_people(ch))
        truth.write("episodes", res["episodes"])
        truth.write("in_market_weeks", res["in_market_weeks"])
        for name in ("email_activities", "page_views", "hand_raises", "dirty_rows"):
            parts = ch.truth.get(name, [])
            if parts:
                truth.write(name, pd.concat(parts, ignore_index=True))
        human += res["mail"]["human"]
        machine += res["mail"]["machine"]
        icp_weeks += res["icp_weeks"]
        icp_in_market += res["icp_in_market_weeks"]
        progress.update(k + 1, hi, events + len(res["surge"]))
    truth.close()
    summary = {
        "generator_version": GENERATOR_VERSION,
        "config": cfg.as_json(),
        "end_date": cfg.end_date.isoformat(),
        "first_week_start": cfg.first_monday.isoformat(),
        "last_week_start": cfg.last_monday.isoformat(),
        "raw_row_counts": writer.rows,
        "raw_file_counts": writer.files,
        "truth_row_counts": truth.rows,
        "email_machine_share": round(machine / max(1.0, human + machine), 4),
        "icp_weekly_in_market_share": round(icp_in_market / max(1, icp_weeks), 4),
    }
    (cfg.truth / "manifest.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    summary["seconds"] = round(time.perf_counter() - t0, 2)
    return summary


__all__ = ["generate", "int_ids"]
