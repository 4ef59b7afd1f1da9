"""Salesforce and Marketo record tables: identities, leads, contacts, opportunities, touches."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import config as c
from .common import MS_PER_DAY, bools, choice, fmt_date, fmt_ts, int_ids, nullable, sf_ids
from .context import Chunk

SEGMENT_AMOUNT = {"SMB": 15_000, "Mid-Market": 45_000, "Enterprise": 120_000}
SEGMENT_CYCLE_DAYS = {"SMB": 45, "Mid-Market": 80, "Enterprise": 120}
OPEN_STAGES = ["Qualification", "Discovery", "Proposal", "Negotiation"]


def assign_identities(ch: Chunk) -> None:
    """Give people their Salesforce, Marketo and Segment identifiers."""
    ppl, acc, ctr = ch.people, ch.accounts, ch.counters
    n = len(ppl)
    is_contact = (ppl["sf_kind"] == "contact").to_numpy()
    is_lead = (ppl["sf_kind"] == "lead").to_numpy()
    contact_id = np.full(n, None, dtype=object)
    contact_id[is_contact] = sf_ids("003", ctr.take("contact", int(is_contact.sum())))
    lead_id = np.full(n, None, dtype=object)
    lead_id[is_lead] = sf_ids("00Q", ctr.take("lead", int(is_lead.sum())))
    converted = is_contact & (ch.rng.random(n) < 0.3)
    conv_lead = np.full(n, None, dtype=object)
    conv_lead[converted] = sf_ids("00Q", ctr.take("lead", int(converted.sum())))
    has_mk = ppl["has_marketo"].to_numpy()
    mk = np.full(n, -1, dtype=np.int64)
    mk[has_mk] = ctr.take("marketo_lead", int(has_mk.sum()), start=100_001)
    acc_local = ppl["acc_local"].to_numpy()
    acc_ids = ch.accounts["account_id"].to_numpy()
    account_id = np.where(acc_local >= 0, acc_ids[np.maximum(acc_local, 0)], None)
    ppl["contact_id"] = contact_id
    ppl["lead_id"] = lead_id
    ppl["converted_lead_id"] = conv_lead
    ppl["marketo_id"] = mk
    ppl["marketo_key"] = np.where(mk > 0, int_ids(mk), None)
    ppl["account_id"] = account_id
    ppl["who_id"] = np.where(is_contact, contact_id, lead_id)
    ppl["anonymous_id"] = ("ajs-" + ppl["person_key"].str[1:]).to_numpy(dtype=object)
    company = np.where(acc_local >= 0, acc["name"].to_numpy()[np.maximum(acc_local, 0)], None)
    company = np.asarray(company, dtype=object)
    company[ppl["is_student"].to_numpy()] = "Student"
    free = ppl["is_free_mail"].to_numpy()
    company[free] = choice(
        ch.rng, ["Self-employed", "n/a", "Freelance", "[not provided]"], int(free.sum())
    )
    ppl["company"] = company


RESYNC_ROOM_MS = 3_600_000


def synced_ms(ch: Chunk, modified_ms: np.ndarray) -> np.ndarray:
    """When the connector copied each record: the initial sync in the world's last days,
    or minutes after the record's last change if that came later; never before the
    change, and never in the world's last hour (kept free for re-sync copies)."""
    modified = np.asarray(modified_ms, dtype=np.int64)
    n = len(modified)
    initial = ch.end_ms - ch.rng.integers(1, 10 * MS_PER_DAY // 1000, n) * 1000
    after_change = modified + ch.rng.integers(60, 2 * 3600, n) * 1000
    ms = np.minimum(np.maximum(initial, after_change), ch.end_ms - RESYNC_ROOM_MS)
    return np.maximum(ms, modified)


def synced(ch: Chunk, modified_ms: np.ndarray) -> np.ndarray:
    """``_fivetran_synced`` text for records last changed at ``modified_ms``."""
    return fmt_ts(synced_ms(ch, modified_ms))


def account_table(ch: Chunk) -> pd.DataFrame:
    acc, rng = ch.accounts, ch.rng
    n = len(acc)
    emp = int_ids(acc["employees"].to_numpy())
    return pd.DataFrame(
        {
            "id": acc["account_id"].to_numpy(),
            "name": acc["name"].to_numpy(),
            "created_date": fmt_ts(acc["created_ms"].to_numpy(), rng, utc_share=0.01),
            "website": acc["website"].to_numpy(),
            "industry": nullable(acc["industry"].to_numpy(), rng.random(n) > 0.03),
            "number_of_employees": nullable(emp, rng.random(n) > 0.04),
            "annual_revenue": int_ids(acc["annual_revenue"].to_numpy()),
            "billing_country": acc["country"].to_numpy(),
            "type": acc["type"].to_numpy(),
            "owner_id": acc["owner_id"].to_numpy(),
            "account_source": choice(rng, c.LEAD_SOURCES, n),
            "phone": ("+1 555 01" + pd.Series(rng.integers(10, 99, n)).astype(str)).to_numpy(
                object
            ),
            "is_deleted": bools(np.zeros(n, bool), rng),
            "_fivetran_synced": synced(ch, acc["created_ms"].to_numpy()),
        }
    )


def contact_table(ch: Chunk) -> pd.DataFrame:
    p = ch.people[ch.people["sf_kind"] == "contact"]
    rng, n = ch.rng, len(p)
    return pd.DataFrame(
        {
            "id": p["contact_id"].to_numpy(),
            "created_date": fmt_ts(p["created_ms"].to_numpy(), rng, utc_share=0.01),
            "account_id": p["account_id"].to_numpy(),
            "email": p["email"].to_numpy(),
            "first_name": p["first_name"].to_numpy(),
            "last_name": p["last_name"].to_numpy(),
            "title": p["title"].to_numpy(),
            "lead_source": choice(rng, c.LEAD_SOURCES, n),
            "has_opted_out_of_email": bools(~p["subscribed"].to_numpy(), rng),
            "is_deleted": bools(np.zeros(n, bool), rng),
            "_fivetran_synced": synced(ch, p["created_ms"].to_numpy()),
        }
    )


def lead_table(ch: Chunk, conv_opp: dict[str, str]) -> pd.DataFrame:
    """Unconverted leads plus the converted lead rows behind some contacts."""
    ppl, acc, rng = ch.people, ch.accounts, ch.rng
    open_ = ppl[ppl["sf_kind"] == "lead"]
    conv = ppl[ppl["converted_lead_id"].notna()]
    n_open, n_conv = len(open_), len(conv)
    both = pd.concat([open_, conv], ignore_index=True)
    n = len(both)
    acc_local = both["acc_local"].to_numpy()
    has_acc = acc_local >= 0
    ai = np.maximum(acc_local, 0)

    def from_acc(col: str) -> np.ndarray:
        vals = acc[col].to_numpy()[ai].astype(object)
        vals[~has_acc] = None
        return vals

    poor = both["kind"].isin(["poor_fit", "heavy_user", "student", "free_mail"]).to_numpy()
    poor = poor | both["is_competitor"].to_numpy()
    status = choice(
        rng, ["Open", "Working", "Accepted", "Rejected", "Nurture"], n, [0.36, 0.2, 0.1, 0.32, 0.02]
    )
    status[poor & (rng.random(n) < 0.4)] = "Rejected"
    is_conv = np.zeros(n, dtype=bool)
    is_conv[n_open:] = True
    status[is_conv] = "Converted"
    reason = np.full(n, None, dtype=object)
    rej = status == "Rejected"
    reason[rej] = choice(
        rng, c.REJECTION_REASONS, int(rej.sum()), [0.15, 0.2, 0.15, 0.1, 0.05, 0.1, 0.25]
    )
    stud = rej & (both["is_student"].to_numpy() | both["is_competitor"].to_numpy())
    reason[stud] = "student_or_competitor"
    pf = rej & poor & ~stud & (rng.random(n) < 0.6)
    reason[pf] = "poor_fit"
    lead_ids = np.concatenate([open_["lead_id"].to_numpy(), conv["converted_lead_id"].to_numpy()])
    created = both["created_ms"].to_numpy() - np.where(
        is_conv, rng.integers(5, 90, n) * MS_PER_DAY, 0
    )
    conv_date = np.where(is_conv, both["created_ms"].to_numpy(), 0)
    conv_opp_ids = np.array(
        [conv_opp.get(str(k)) for k in both["contact_id"].tolist()], dtype=object
    )
    conv_opp_ids[~is_conv] = None
    emp = from_acc("employees")
    emp_txt = np.array([None if v is None else str(v) for v in emp], dtype=object)
    return pd.DataFrame(
        {
            "id": lead_ids,
            "created_date": fmt_ts(created, rng, utc_share=0.01),
            "email": both["email"].to_numpy(),
            "first_name": both["first_name"].to_numpy(),
            "last_name": both["last_name"].to_numpy(),
            "title": both["title"].to_numpy(),
            "company": both["company"].to_numpy(),
            "website": from_acc("website"),
            "industry": from_acc("industry"),
            "number_of_employees": emp_txt,
            "country": from_acc("country"),
            "status": status,
            "lead_source": choice(rng, c.LEAD_SOURCES, n),
            "is_converted": bools(is_conv, rng),
            "converted_date": np.where(is_conv, fmt_date(conv_date), None),
            "converted_account_id": np.where(is_conv, both["account_id"].to_numpy(), None),
            "converted_contact_id": np.where(is_conv, both["contact_id"].to_numpy(), None),
            "converted_opportunity_id": conv_opp_ids,
            "rejection_reason_c": reason,
            "owner_id": choice(rng, c.SALES_REPS, n),
            "is_deleted": bools(np.zeros(n, bool), rng),
            "_fivetran_synced": synced(ch, np.maximum(created, conv_date)),
        }
    ).iloc[: n_open + n_conv]


def marketo_lead_table(ch: Chunk) -> pd.DataFrame:
    p = ch.people[ch.people["marketo_id"] > 0]
    rng, n = ch.rng, len(p)
    updated = np.minimum(
        p["created_ms"].to_numpy() + rng.integers(1, 400, n) * MS_PER_DAY, ch.end_ms
    )
    legacy = np.round(p["engagement"].to_numpy() * 20 + rng.integers(0, 30, n)).astype(np.int64)
    return pd.DataFrame(
        {
            "id": p["marketo_key"].to_numpy(),
            "email": p["email"].to_numpy(),
            "first_name": p["first_name"].to_numpy(),
            "last_name": p["last_name"].to_numpy(),
            "company": p["company"].to_numpy(),
            "title": p["title"].to_numpy(),
            "created_at": fmt_ts(p["created_ms"].to_numpy(), frac=False),
            "updated_at": fmt_ts(updated, frac=False),
            "sfdc_lead_id": np.where(p["lead_id"].notna(), p["lead_id"], p["converted_lead_id"]),
            "sfdc_contact_id": p["contact_id"].to_numpy(),
            "sfdc_account_id": np.where(p["sf_kind"] == "contact", p["account_id"], None),
            "unsubscribed": bools(~p["subscribed"].to_numpy(), rng),
            "lead_score": int_ids(legacy),
            "_fivetran_synced": synced(ch, updated),
        }
    )


def opportunities(
    ch: Chunk, acc_local: np.ndarray, created_ms: np.ndarray, opp_type: np.ndarray
) -> pd.DataFrame:
    """Opportunity rows with amounts by segment and consistent stages."""
    rng, acc = ch.rng, ch.accounts
    n = len(acc_local)
    ids = sf_ids("006", ch.counters.take("opportunity", n))
    seg = acc["segment"].to_numpy()[acc_local]
    base = np.array([SEGMENT_AMOUNT[s] for s in seg], dtype=float)
    base[opp_type == "Renewal"] *= 0.9
    base[opp_type == "Expansion"] *= 0.35
    amount = np.round(base * rng.lognormal(-0.08, 0.4, n), -2)
    cycle = np.array([SEGMENT_CYCLE_DAYS[s] for s in seg], dtype=float)
    close = created_ms + (cycle * rng.lognormal(0, 0.35, n) * MS_PER_DAY).astype(np.int64)
    closed = close <= ch.end_ms
    win_p = np.where(opp_type == "New Business", 0.2, 0.75)
    won = closed & (rng.random(n) < win_p)
    stage = choice(rng, OPEN_STAGES, n)
    stage[closed] = np.where(won[closed], "Closed Won", "Closed Lost")
    names = (acc["name"].to_numpy()[acc_local] + " - " + opp_type).astype(object)
    return pd.DataFrame(
        {
            "id": ids,
            "account_id": acc["account_id"].to_numpy()[acc_local],
            "created_date": fmt_ts(created_ms, rng, utc_share=0.01),
            "name": names,
            "amount": pd.Series(amount).map(lambda v: f"{v:.2f}").to_numpy(dtype=object),
            "stage_name": stage,
            "is_closed": bools(closed, rng),
            "is_won": bools(won, rng),
            "close_date": fmt_date(close),
            "type": opp_type,
            "lead_source": choice(rng, c.LEAD_SOURCES, n),
            "owner_id": acc["owner_id"].to_numpy()[acc_local],
            "forecast_category": np.where(closed, np.where(won, "Closed", "Omitted"), "Pipeline"),
            "is_deleted": bools(np.zeros(n, bool), rng),
            "_fivetran_synced": synced(
                ch, np.where(closed, np.maximum(close, created_ms), created_ms)
            ),
        }
    )


def touches(ch: Chunk, who: np.ndarray, ts_ms: np.ndarray, kind: np.ndarray) -> None:
    """Sales touches: kind 'call'/'email' land in task, 'meeting'/'call_event' in event."""
    rng = ch.rng
    ppl = ch.people
    who_id = ppl["who_id"].to_numpy()[who]
    acct = ppl["account_id"].to_numpy()[who]
    owner = choice(rng, c.SALES_REPS, len(who))
    is_task = np.isin(kind, ["call", "email"])
    t = np.flatnonzero(is_task)
    if len(t):
        ttype = np.where(kind[t] == "call", "Call", "Email").astype(object)
        subj = np.where(kind[t] == "call", "Call: follow-up", "Email: intro").astype(object)
        ch.add(
            "salesforce",
            "task",
            pd.DataFrame(
                {
                    "id": sf_ids("00T", ch.counters.take("task", len(t))),
                    "created_date": fmt_ts(ts_ms[t], rng, utc_share=0.01),
                    "who_id": who_id[t],
                    "what_id": None,
                    "account_id": acct[t],
                    "owner_id": owner[t],
                    "subject": subj,
                    "type": ttype,
                    "status": "Completed",
                    "activity_date": fmt_date(ts_ms[t]),
                    "is_deleted": bools(np.zeros(len(t), bool), rng),
                    "_fivetran_synced": synced(ch, ts_ms[t]),
                }
            ),
        )
    e = np.flatnonzero(~is_task)
    if len(e):
        etype = np.where(kind[e] == "meeting", "Meeting", "Call").astype(object)
        e_created = ts_ms[e] - rng.integers(1, 4 * 86400, len(e)) * 1000
        # reps often put the person's name in a meeting's subject (about a third here)
        subject = np.where(etype == "Meeting", "Discovery meeting", "Scheduled call").astype(object)
        named = (etype == "Meeting") & (np.arange(len(e)) % 3 == 0)
        met = ppl.iloc[who[e][named]]
        full_name = met["first_name"].astype(str) + " " + met["last_name"].astype(str)
        subject[named] = ("Discovery meeting with " + full_name).to_numpy(object)
        ch.add(
            "salesforce",
            "event",
            pd.DataFrame(
                {
                    "id": sf_ids("00U", ch.counters.take("event", len(e))),
                    "created_date": fmt_ts(e_created),
                    "who_id": who_id[e],
                    "what_id": None,
                    "account_id": acct[e],
                    "owner_id": owner[e],
                    "subject": subject,
                    "type": etype,
                    "start_date_time": fmt_ts(ts_ms[e], rng, frac=False),
                    "duration_in_minutes": choice(rng, ["30", "45", "60"], len(e)),
                    "is_deleted": bools(np.zeros(len(e), bool), rng),
                    "_fivetran_synced": synced(ch, ts_ms[e]),
                }
            ),
        )


def lognormal_delay_ms(
    rng: np.random.Generator, n: int, median_h: float, sigma: float
) -> np.ndarray:
    return (rng.lognormal(math.log(median_h * 3600), sigma, n) * 1000).astype(np.int64)
