"""Accounts: firmographics, ICP fit, noisy websites, company IP ranges."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import config as c
from .common import MS_PER_DAY, choice

KINDS = ["icp", "poor_fit", "heavy_user"]
KIND_WEIGHTS = [0.5, 0.42, 0.08]
IP_FIRST_OCTETS = [23, 34, 52, 64, 72, 98, 104, 128, 145, 157, 185, 192, 199, 203, 212]
TLDS = [".com", ".io", ".co", ".net", ".ai"]


def company_names(global_idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique (name, domain) per global account index, via a fixed permutation."""
    na, nb, ns = len(c.NAME_PARTS_A), len(c.NAME_PARTS_B), len(c.NAME_SUFFIXES)
    block = na * nb * ns
    mult = 7919
    assert math.gcd(mult, block) == 1
    names, domains = [], []
    for idx in global_idx.tolist():
        round_, within = divmod(idx, block)
        perm = (within * mult + 17) % block
        a, rest = divmod(perm, nb * ns)
        b, s = divmod(rest, ns)
        stem = c.NAME_PARTS_A[a] + c.NAME_PARTS_B[b]
        suffix = c.NAME_SUFFIXES[s]
        tld = TLDS[round_ % len(TLDS)]
        extra = "" if round_ < len(TLDS) else str(round_ // len(TLDS))
        names.append(f"{stem}{extra} {suffix}")
        domains.append(f"{stem.lower()}{extra}{suffix.lower()}{tld}")
    return np.array(names, dtype=object), np.array(domains, dtype=object)


def noisy_websites(rng: np.random.Generator, domains: np.ndarray) -> np.ndarray:
    styles = rng.choice(7, size=len(domains), p=[0.3, 0.25, 0.12, 0.08, 0.1, 0.1, 0.05])
    out = np.empty(len(domains), dtype=object)
    for i, (d, s) in enumerate(zip(domains.tolist(), styles.tolist(), strict=True)):
        out[i] = [
            f"https://www.{d}/",
            d,
            f"http://{d}/about",
            f"WWW.{d.upper()}",
            f"www.{d}",
            f"https://{d}",
            None,
        ][s]
    return out


def segment_of(employees: np.ndarray) -> np.ndarray:
    return np.where(
        employees < 200, "SMB", np.where(employees < 2000, "Mid-Market", "Enterprise")
    ).astype(object)


def make_accounts(
    rng: np.random.Generator,
    global_idx: np.ndarray,
    start_ms: int,
    end_ms: int,
    with_competitors: bool,
) -> pd.DataFrame:
    """One row per account with the latent truth columns (kind, is_icp, ip range...)."""
    n = len(global_idx)
    kind = choice(rng, KINDS, n, KIND_WEIGHTS)
    industry = choice(rng, c.ICP_INDUSTRIES, n)
    country = choice(rng, c.ICP_COUNTRIES, n, c.ICP_COUNTRY_WEIGHTS)
    employees = np.clip(np.exp(rng.normal(math.log(900), 0.95, n)), 200, 10_000).astype(int)

    poor = kind == "poor_fit"
    reason = rng.integers(0, 3, n)  # 0 wrong industry, 1 too small, 2 wrong country
    bad_ind = poor & (reason == 0)
    industry[bad_ind] = choice(rng, c.POOR_INDUSTRIES, int(bad_ind.sum()))
    too_small = poor & (reason == 1)
    employees[too_small] = rng.integers(5, 200, int(too_small.sum()))
    bad_cty = poor & (reason == 2)
    country[bad_cty] = choice(rng, c.POOR_COUNTRIES, int(bad_cty.sum()))
    # extra poor-fit noise on another dimension for some
    more = poor & (rng.random(n) < 0.3)
    employees[more & (reason != 1)] = np.clip(employees[more & (reason != 1)], 200, 50_000)

    heavy = kind == "heavy_user"
    # small consultancies, training firms and tiny shops: engage a lot, never buy
    industry[heavy] = choice(
        rng, ["Professional Services", "Education", "Retail"], int(heavy.sum()), [0.5, 0.3, 0.2]
    )
    employees[heavy] = rng.integers(2, 60, int(heavy.sum()))

    names, domains = company_names(global_idx)
    is_competitor = np.zeros(n, dtype=bool)
    if with_competitors:
        for i, (cname, cdomain) in enumerate(c.COMPETITORS):
            names[i], domains[i] = f"{cname} Inc", cdomain
            kind[i], industry[i], country[i] = "competitor", "Software", "United States"
            employees[i] = int(rng.integers(300, 3000))
            is_competitor[i] = True

    is_icp = (
        np.isin(industry, c.ICP_INDUSTRIES)
        & (employees >= 200)
        & (employees <= 10_000)
        & np.isin(country, c.ICP_COUNTRIES)
        & ~is_competitor
    )
    # a poor-fit draw can still land inside the ICP box (e.g. wrong-country redraw): relabel
    kind = np.where(is_icp & (kind != "icp"), "icp", kind).astype(object)
    kind = np.where(~is_icp & (kind == "icp"), "poor_fit", kind).astype(object)

    is_customer = (kind == "icp") & (rng.random(n) < 0.06)
    acct_type = np.where(is_customer, "Customer", "Prospect").astype(object)
    acct_type[is_competitor] = "Competitor"
    acct_type[(kind == "poor_fit") & (rng.random(n) < 0.03)] = "Partner"

    revenue = employees * rng.lognormal(math.log(180_000), 0.4, n)
    created = start_ms - rng.integers(1, 1100, n) * MS_PER_DAY + rng.integers(0, MS_PER_DAY, n)
    late = rng.random(n) < 0.12  # some accounts created during the window
    late_days = max(1, min(200, (end_ms - start_ms) // MS_PER_DAY))
    created[late] = start_ms + rng.integers(0, late_days, int(late.sum())) * MS_PER_DAY

    gi = global_idx.astype(np.int64)
    octet1 = np.array(IP_FIRST_OCTETS)[gi % len(IP_FIRST_OCTETS)]
    octet2 = (gi // len(IP_FIRST_OCTETS)) % 250 + 1
    octet3 = (gi // (len(IP_FIRST_OCTETS) * 250)) % 250 + 1
    ip_prefix = (
        pd.Series(octet1).astype(str)
        + "."
        + pd.Series(octet2).astype(str)
        + "."
        + pd.Series(octet3).astype(str)
        + "."
    ).to_numpy(dtype=object)

    return pd.DataFrame(
        {
            "global_idx": gi,
            "name": names,
            "domain": domains,
            "website": noisy_websites(rng, domains),
            "industry": industry,
            "employees": employees,
            "country": country,
            "segment": segment_of(employees),
            "annual_revenue": np.round(revenue, -3).astype(np.int64),
            "kind": kind,
            "is_icp": is_icp,
            "is_competitor": is_competitor,
            "is_customer": is_customer,
            "type": acct_type,
            "owner_id": choice(rng, c.SALES_REPS, n),
            "created_ms": created.astype(np.int64),
            "ip_prefix": ip_prefix,
            "has_scanner": np.zeros(n, dtype=bool),
        }
    )
