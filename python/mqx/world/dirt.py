"""Connector dirt: re-syncs, soft deletes, null ids, bad timestamps and messy values.

Every row given dirt is recorded in truth ``dirty_rows`` with what staging must do with
it: ``set_aside`` (kept aside with a reason), ``deleted`` (soft delete), ``duplicate``
(the older copies of a re-synced id) or ``cleaned`` (staged after normalisation). A row
carries at most one kind of dirt, so each recorded row has exactly one expected outcome.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .common import fmt_ts
from .context import Chunk

DUPLICATE_TABLES = [
    ("salesforce", "account", "number_of_employees"),
    ("salesforce", "contact", "title"),
    ("salesforce", "lead", "status"),
    ("salesforce", "opportunity", "stage_name"),
    ("salesforce", "task", None),
    ("salesforce", "event", None),
    ("marketo", "lead", "title"),
    ("marketo", "activity_open_email", None),
    ("segment", "pages", None),
]
DELETE_TABLES = [("salesforce", t) for t in ("account", "contact", "lead", "opportunity")]
NULL_ID_TABLES = [("salesforce", t) for t in ("contact", "lead", "task")]
BAD_TS_TABLES = [
    ("salesforce", "lead", "created_date"),
    ("salesforce", "contact", "created_date"),
    ("salesforce", "task", "created_date"),
    ("segment", "pages", "timestamp"),
]
# records "created" years after the world ends: a clock or import bug, never real
FUTURE_TABLES = [("salesforce", t) for t in ("contact", "lead", "task")]
FUTURE_YEAR_MS = 1_893_456_000_000  # 2030-01-01 00:00:00 UTC
# a required foreign key left empty
NULL_FK_TABLES = [
    ("salesforce", "opportunity_contact_role", "contact_id"),
    ("salesforce", "campaign_member", "campaign_id"),
    ("marketo", "activity_fill_out_form", "lead_id"),
]
# booleans spelled the other ways the contract allows (staged, value unchanged)
BOOL_TABLES = [
    ("salesforce", "account", "is_deleted"),
    ("salesforce", "lead", "is_converted"),
    ("salesforce", "opportunity", "is_closed"),
    ("salesforce", "opportunity_contact_role", "is_primary"),
    ("salesforce", "campaign_member", "has_responded"),
]
EMAIL_TABLES = [("salesforce", "contact"), ("salesforce", "lead"), ("marketo", "lead")]


class _Picker:
    """Hands out disjoint random rows per table so one row carries one kind of dirt."""

    def __init__(self, ch: Chunk) -> None:
        self.ch = ch
        self.free: dict[tuple[str, str], list[int]] = {}

    def take(self, key: tuple[str, str], k: int, avoid: set[int] | None = None) -> np.ndarray:
        """``k`` rows not yet given dirt and not in ``avoid`` (avoided rows stay free)."""
        if key not in self.free:
            n = len(self.ch.table(*key))
            self.free[key] = self.ch.rng.permutation(n).tolist()
        pool = self.free[key]
        picked = [i for i in pool if not avoid or i not in avoid][:k]
        chosen = set(picked)
        pool[:] = [i for i in pool if i not in chosen]
        return np.array(sorted(picked), dtype=np.int64)


def _count(ch: Chunk, n: int) -> int:
    level = ch.cfg.dirt
    if level <= 0 or n == 0:
        return 0
    return max(1, int(round(n * level)))


def _messy_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return (
        "  "
        + local.title()
        + "@"
        + domain.split(".")[0].title()
        + "."
        + domain.split(".", 1)[-1].upper()
        + " "
    )


def apply_dirt(ch: Chunk) -> None:
    if ch.cfg.dirt <= 0:
        return
    rng = ch.rng
    picker = _Picker(ch)
    records: list[tuple] = []
    frames = {key: ch.table(*key) for key in list(ch.tables)}

    # soft deletes first: the chunk's first deleted account must keep its contacts
    for key in DELETE_TABLES:
        df = frames.get(key)
        if df is None or not len(df):
            continue
        avoid = None
        if key == ("salesforce", "account"):
            contacts = frames.get(("salesforce", "contact"))
            if contacts is not None and len(contacts):
                with_contacts = set(contacts["account_id"].dropna())
                has = np.flatnonzero(df["id"].isin(with_contacts).to_numpy())
                avoid = set(range(len(df))) - set(has.tolist())
        rows = picker.take(key, _count(ch, len(df)), avoid)
        df.loc[rows, "is_deleted"] = rng.choice(["true", "TRUE", "1"], len(rows))
        records += [(*key, rid, "soft_delete", "deleted") for rid in df.loc[rows, "id"]]

    contacts = frames.get(("salesforce", "contact"))
    roles = frames.get(("salesforce", "opportunity_contact_role"))
    role_contacts: set[int] = set()
    if contacts is not None and roles is not None and len(contacts) and len(roles):
        referenced = contacts["id"].isin(set(roles["contact_id"].dropna())).to_numpy()
        role_contacts = set(np.flatnonzero(referenced).tolist())

    # set-aside dirt never hits a contact that an opportunity role points at
    def avoid_for(key: tuple[str, str]) -> set[int] | None:
        return role_contacts if key == ("salesforce", "contact") else None

    for key in NULL_ID_TABLES:
        df = frames.get(key)
        if df is None or not len(df):
            continue
        rows = picker.take(key, _count(ch, len(df)), avoid_for(key))
        detail = df.loc[rows, "created_date"].tolist()
        df.loc[rows, "id"] = None
        records += [(*key, None, "null_id", "set_aside", d) for d in detail]

    for src, tbl, col in BAD_TS_TABLES:
        df = frames.get((src, tbl))
        if df is None or not len(df):
            continue
        rows = picker.take((src, tbl), _count(ch, len(df)), avoid_for((src, tbl)))
        df.loc[rows, col] = rng.choice(["not a date", "2026-13-45", "31/02/2026"], len(rows))
        records += [(src, tbl, rid, "bad_timestamp", "set_aside") for rid in df.loc[rows, "id"]]

    for key in FUTURE_TABLES:
        df = frames.get(key)
        if df is None or not len(df):
            continue
        rows = picker.take(key, _count(ch, len(df)), avoid_for(key))
        future = FUTURE_YEAR_MS + rng.integers(0, 365 * 86_400, len(rows)) * 1000
        df.loc[rows, "created_date"] = fmt_ts(future)
        records += [
            (*key, rid, "future_created_date", "set_aside", d)
            for rid, d in zip(df.loc[rows, "id"], df.loc[rows, "created_date"], strict=True)
        ]

    opp = frames.get(("salesforce", "opportunity"))
    if opp is not None and len(opp):
        rows = picker.take(("salesforce", "opportunity"), _count(ch, len(opp)))
        opp.loc[rows, "amount"] = "n/a"
        records += [
            ("salesforce", "opportunity", rid, "bad_amount", "set_aside")
            for rid in opp.loc[rows, "id"]
        ]
        rows = picker.take(("salesforce", "opportunity"), _count(ch, len(opp)))
        opp.loc[rows, "amount"] = [f"-{float(v):.2f}" for v in opp.loc[rows, "amount"]]
        records += [
            ("salesforce", "opportunity", rid, "negative_amount", "set_aside", amount)
            for rid, amount in zip(opp.loc[rows, "id"], opp.loc[rows, "amount"], strict=True)
        ]

    for src, tbl, col in NULL_FK_TABLES:
        df = frames.get((src, tbl))
        if df is None or not len(df):
            continue
        rows = picker.take((src, tbl), _count(ch, len(df)))
        df.loc[rows, col] = None
        records += [
            (src, tbl, rid, "null_foreign_key", "set_aside", col) for rid in df.loc[rows, "id"]
        ]

    for src, tbl, col in BOOL_TABLES:
        df = frames.get((src, tbl))
        if df is None or not len(df):
            continue
        rows = picker.take((src, tbl), _count(ch, len(df)) * 2)
        truthy = df.loc[rows, col].str.lower().isin(["true", "1"]).to_numpy()
        digits = rng.random(len(rows)) < 0.5
        spelled = np.where(
            digits, np.where(truthy, "1", "0"), np.where(truthy, "TRUE", "FALSE")
        ).astype(object)
        df.loc[rows, col] = spelled
        records += [
            (src, tbl, rid, "messy_boolean", "cleaned", f"{col}={v}")
            for rid, v in zip(df.loc[rows, "id"], spelled, strict=True)
        ]

    for key in EMAIL_TABLES:
        df = frames.get(key)
        if df is None or not len(df):
            continue
        rows = picker.take(key, _count(ch, len(df)) * 3)
        rows = rows[df.loc[rows, "email"].notna().to_numpy()]
        df.loc[rows, "email"] = [_messy_email(e) for e in df.loc[rows, "email"]]
        records += [(*key, rid, "messy_email", "cleaned") for rid in df.loc[rows, "id"]]

    for src, tbl, change in DUPLICATE_TABLES:
        key = (src, tbl)
        df = frames.get(key)
        if df is None or not len(df):
            continue
        rows = picker.take(key, _count(ch, len(df)))
        copies = df.loc[rows].copy()
        if "_fivetran_synced" in copies:
            # the re-sync copy lands after the original sync, still before the world ends
            first = (
                pd.to_datetime(copies["_fivetran_synced"].str.replace(" UTC", ""))
                .to_numpy()
                .astype("datetime64[ms]")
                .astype(np.int64)
            )
            room = first <= ch.end_ms - 2_000
            copies, first = copies[room], first[room]
            later = first + rng.integers(1_000, ch.end_ms - first + 1)
            copies["_fivetran_synced"] = fmt_ts(later)
        if change and len(copies):
            altered = rng.random(len(copies)) < 0.5
            if change == "number_of_employees":
                new = [None if pd.isna(v) else str(int(int(v) * 1.1) + 1) for v in copies[change]]
            elif change == "stage_name":
                new = ["Closed Lost"] * len(copies)
            elif change == "status":
                new = ["Working"] * len(copies)
            else:
                new = [None if pd.isna(v) else f"Senior {v}" for v in copies[change]]
            if change == "status":
                # a re-synced lead that moved back to Working loses its rejection reason
                altered &= (copies["status"] == "Rejected").to_numpy()
                copies["rejection_reason_c"] = np.where(
                    altered, None, copies["rejection_reason_c"].to_numpy(dtype=object)
                )
            copies[change] = np.where(altered, np.array(new, dtype=object), copies[change])
        df = pd.concat([df, copies], ignore_index=True)
        frames[key] = df
        records += [(src, tbl, rid, "resync", "duplicate") for rid in copies["id"]]

    for key, df in frames.items():
        ch.set_table(*key, df)
    full = [r if len(r) == 6 else (*r, None) for r in records]
    ch.add_truth(
        "dirty_rows",
        pd.DataFrame(
            full,
            columns=["source", "table_name", "raw_id", "dirt_kind", "expected_outcome", "detail"],
        ),
    )
