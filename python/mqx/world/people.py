"""People: personas, emails, CRM/Marketo identities and latent engagement traits."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import config as c
from .common import MS_PER_DAY, choice


def _people_per_account(rng: np.random.Generator, kind: np.ndarray) -> np.ndarray:
    n = 3 + np.floor(rng.lognormal(math.log(2.5), 0.9, len(kind))).astype(int)
    n = np.clip(n, 3, 30)
    heavy = kind == "heavy_user"
    n[heavy] = rng.integers(3, 7, int(heavy.sum()))
    return n


def _emails(first: np.ndarray, last: np.ndarray, domain: np.ndarray, style: np.ndarray):
    f = pd.Series(first).str.lower()
    la = pd.Series(last).str.lower()
    d = pd.Series(domain)
    s = pd.Series(style)
    out = np.where(
        s == 0,
        f + "." + la,
        np.where(s == 1, f.str[0] + la, np.where(s == 2, f, f + "_" + la)),
    )
    return (pd.Series(out) + "@" + d).to_numpy(dtype=object)


def make_people(
    rng: np.random.Generator,
    accounts: pd.DataFrame,
    first_person_idx: int,
    start_ms: int,
    end_ms: int,
) -> pd.DataFrame:
    """People at accounts plus unattached students and free-mail sign-ups.

    Everyone is created by ``end_ms``: within 500 days of their account's creation (or of
    the unattached pool's start), but never after the world ends."""
    counts = _people_per_account(rng, accounts["kind"].to_numpy())
    acc_local = np.repeat(np.arange(len(accounts)), counts)
    n_acc_people = len(acc_local)
    n_students = max(1, int(round(n_acc_people * 0.03)))
    n_free = max(1, int(round(n_acc_people * 0.05)))
    n = n_acc_people + n_students + n_free

    acc_local = np.concatenate([acc_local, np.full(n_students + n_free, -1)])
    kind_of_acc = accounts["kind"].to_numpy()
    kind = np.where(acc_local >= 0, kind_of_acc[np.maximum(acc_local, 0)], "none").astype(object)
    kind[n_acc_people : n_acc_people + n_students] = "student"
    kind[n_acc_people + n_students :] = "free_mail"

    persona = choice(rng, c.PERSONAS, n, c.PERSONA_WEIGHTS)
    title = np.empty(n, dtype=object)
    for p in c.PERSONAS:
        m = persona == p
        title[m] = choice(rng, c.PERSONA_TITLES[p], int(m.sum()))
    students = kind == "student"
    persona[students] = "not_relevant"
    title[students] = "Student"
    free = kind == "free_mail"
    title[free & (rng.random(n) < 0.5)] = "Independent Consultant"
    title[kind == "heavy_user"] = choice(
        rng,
        ["Consultant", "Founder", "Trainer", "Marketing Coordinator", "Sales Rep"],
        int((kind == "heavy_user").sum()),
    )
    persona[np.isin(title, ["Consultant", "Trainer", "Independent Consultant"])] = "not_relevant"

    domain_acc = accounts["domain"].to_numpy()
    domain = np.where(acc_local >= 0, domain_acc[np.maximum(acc_local, 0)], "").astype(object)
    domain[students] = choice(rng, c.EDU_DOMAINS, int(students.sum()))
    domain[free] = choice(rng, c.FREE_MAIL_DOMAINS, int(free.sum()))

    first = choice(rng, c.FIRST_NAMES, n)
    last = choice(rng, c.LAST_NAMES, n)
    person_idx = np.arange(first_person_idx, first_person_idx + n, dtype=np.int64)
    style = rng.choice(4, size=n, p=[0.6, 0.2, 0.1, 0.1])
    local_tag = pd.Series(person_idx % 997).astype(str).to_numpy(dtype=object)
    # free-mail and edu addresses carry a number so they stay unique
    domain_for_mail = domain.copy()
    email = _emails(first, last, domain_for_mail, style)
    attach = free | students
    email[attach] = _emails(
        first[attach], last[attach] + local_tag[attach], domain[attach], style[attach]
    )
    # keep emails unique inside an account by tagging repeats
    dup = pd.Series(email).duplicated().to_numpy()
    email[dup] = _emails(first[dup], last[dup] + local_tag[dup], domain[dup], style[dup])

    is_competitor = np.isin(domain, [d for _, d in c.COMPETITORS])
    heavy = (kind == "heavy_user") | students | (free & (rng.random(n) < 0.35))

    # CRM identity: contacts at accounts, leads otherwise, some only in Marketo
    is_customer = accounts["is_customer"].to_numpy()
    cust = np.where(acc_local >= 0, is_customer[np.maximum(acc_local, 0)], False)
    r = rng.random(n)
    sf_kind = np.where(r < np.where(cust, 0.9, 0.55), "contact", "lead").astype(object)
    sf_kind[(acc_local < 0)] = "lead"
    sf_kind[rng.random(n) < 0.08] = "none"
    has_marketo = rng.random(n) < 0.92
    has_marketo[heavy] = True
    has_marketo[sf_kind == "none"] = True

    acc_created = accounts["created_ms"].to_numpy()
    base = np.where(
        acc_local >= 0, acc_created[np.maximum(acc_local, 0)], start_ms - 400 * MS_PER_DAY
    )
    room = np.clip(end_ms - base, 0, 500 * MS_PER_DAY)
    created = base + (rng.random(n) * room).astype(np.int64)

    engagement = rng.lognormal(0.0, 0.8, n)
    engagement[heavy] *= 8.0
    engagement[persona == "not_relevant"] *= 0.6
    open_p = rng.beta(2.0, 5.0, n)
    open_p[heavy] = rng.uniform(0.75, 0.95, int(heavy.sum()))
    click_p = rng.beta(2.0, 8.0, n)
    click_p[heavy] = rng.uniform(0.5, 0.8, int(heavy.sum()))

    acc_ip = accounts["ip_prefix"].to_numpy()
    host = pd.Series(rng.integers(10, 14, n)).astype(str).to_numpy(dtype=object)
    ip = np.where(acc_local >= 0, acc_ip[np.maximum(acc_local, 0)], "").astype(object) + host
    home = acc_local < 0
    home_ip = (
        pd.Series(rng.integers(70, 99, n)).astype(str)
        + "."
        + pd.Series(rng.integers(1, 255, n)).astype(str)
        + "."
        + pd.Series(rng.integers(1, 255, n)).astype(str)
        + "."
        + pd.Series(rng.integers(1, 255, n)).astype(str)
    ).to_numpy(dtype=object)
    ip[home] = home_ip[home]
    # a fifth of people also browse from home
    ip_home = home_ip

    return pd.DataFrame(
        {
            "person_idx": person_idx,
            "person_key": ("P" + pd.Series(person_idx).astype(str).str.zfill(9)).to_numpy(object),
            "acc_local": acc_local,
            "kind": kind,
            "persona": persona,
            "title": title,
            "first_name": first,
            "last_name": last,
            "email": email,
            "domain": domain,
            "is_student": students,
            "is_free_mail": free,
            "is_competitor": is_competitor,
            "is_heavy_user": heavy,
            "sf_kind": sf_kind,
            "has_marketo": has_marketo,
            "subscribed": rng.random(n) < np.where(heavy, 1.0, 0.88),
            "created_ms": created.astype(np.int64),
            "engagement": engagement,
            "open_p": open_p,
            "click_p": click_p,
            "identified": rng.random(n) < 0.65,
            "mail_ua": rng.choice(
                len(c.HUMAN_MAIL_UAS), size=n, p=[0.3, 0.25, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05]
            ),
            "browser_ua": rng.integers(0, len(c.HUMAN_BROWSER_UAS), n),
            "ip": ip,
            "ip_home": ip_home,
        }
    )
