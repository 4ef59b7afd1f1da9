"""Marketo email activity: sends, deliveries, human opens/clicks and machine-made ones.

Machine activity comes in three kinds, each leaving at least one detectable trace:
Apple Mail Privacy Protection opens (plain ``Mozilla/5.0`` within 60 s of delivery),
security-scanner bursts (an open plus a click on every link within 2 s of delivery) and
link checkers (clicks with no open, seconds after delivery). Only some is vendor-flagged.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import config as c
from .common import MS_PER_DAY, MS_PER_WEEK, choice, date_ms, fmt_ts, int_ids
from .context import Chunk

MAX_LINKS = 6
HUMAN_MIN_DELAY_MS = 120_000
HUMAN_MAX_DELAY_MS = 3 * MS_PER_DAY

# one table of user agents; activity rows carry an index into it
UAS: list[str] = c.HUMAN_MAIL_UAS + [c.APPLE_MPP_UA] + c.SCANNER_UAS + c.LINK_CHECKER_UAS
UA_MPP = len(c.HUMAN_MAIL_UAS)
UA_SCANNER0 = UA_MPP + 1
UA_LINK0 = UA_SCANNER0 + len(c.SCANNER_UAS)
UA_ARRAY = np.array(UAS, dtype=object)
IS_MOBILE = np.array(["iPhone" in u for u in UAS])
DEVICE = np.where(IS_MOBILE, "Apple iPhone", "Computer").astype(object)
PLATFORM = np.array(
    [
        "iOS"
        if "iPhone" in u
        else "Mac OS"
        if "Macintosh" in u
        else "Linux"
        if "Linux" in u
        else "Windows"
        if "Windows" in u
        else "Unknown"
        for u in UAS
    ],
    dtype=object,
)
KIND_NAMES = np.array([None, "apple_mpp", "security_scanner", "link_checker"], dtype=object)


def catalogue(cfg: c.WorldConfig) -> pd.DataFrame:
    """The emails sent during the window: one row per (campaign_id, email_template_id)."""
    rng = np.random.default_rng([cfg.seed, 4242])
    start = date_ms(cfg.first_monday)
    rows = []
    for w in range(cfg.weeks):
        week = start + w * MS_PER_WEEK
        if w % 2 == 0:
            rows.append(("Newsletter", week + 1 * MS_PER_DAY + 14 * 3_600_000, 0.55))
        rows.append(("Nurture", week + 3 * MS_PER_DAY + 15 * 3_600_000, 0.14))
        if w % 6 == 3:
            rows.append(("Webinar Invite", week + 2 * MS_PER_DAY + 13 * 3_600_000, 0.3))
    n = len(rows)
    kind = np.array([r[0] for r in rows], dtype=object)
    send = np.array([r[1] for r in rows], dtype=np.int64)
    audience = np.array([r[2] for r in rows])
    n_links = rng.integers(3, MAX_LINKS + 1, n)
    program = np.where(kind == "Newsletter", 2001, np.where(kind == "Nurture", 3001, 4001))
    campaign_id = program + np.arange(n) // np.where(kind == "Nurture", 4, 1)
    template_id = 9000 + np.arange(n)
    slugs = [p.strip("/") or "home" for p in c.ENGAGEMENT_PATHS]
    links = np.empty((n, MAX_LINKS), dtype=object)
    for i in range(n):
        pick = rng.choice(len(slugs), MAX_LINKS, replace=False)
        for j in range(MAX_LINKS):
            links[i, j] = f"{c.SITE}/{slugs[pick[j]]}?utm_source=marketo&utm_content=e{i}l{j}"
    names = [f"{k} {i + 1:03d}" for i, k in enumerate(kind)]
    return pd.DataFrame(
        {
            "campaign_id": campaign_id,
            "template_id": template_id,
            "send_ms": send,
            "audience": audience,
            "n_links": n_links,
            "name": names,
            "kind": kind,
        }
    ).assign(_links=list(links))


def _ip_pool(prefix: str, rng: np.random.Generator, k: int = 40) -> np.ndarray:
    return np.array(
        [f"{prefix}.{int(x)}.{int(y)}" for x, y in rng.integers(1, 255, (k, 2))], dtype=object
    )


def _pick_until(
    rng: np.random.Generator, weight: np.ndarray, target: float, eligible: np.ndarray
) -> np.ndarray:
    """Random subset of eligible items whose weights add up to about ``target``."""
    order = rng.permutation(np.flatnonzero(eligible))
    if target <= 0 or not len(order):
        return np.zeros(len(weight), dtype=bool)
    cum = np.cumsum(weight[order])
    k = int(np.searchsorted(cum, target)) + 1
    # take the last item only if that lands closer to the target
    if k <= len(order) and k >= 2 and abs(cum[k - 2] - target) < abs(cum[k - 1] - target):
        k -= 1
    chosen = np.zeros(len(weight), dtype=bool)
    chosen[order[:k]] = True
    return chosen


def email_activity(ch: Chunk, cat: pd.DataFrame) -> dict[str, float]:
    rng, ppl = ch.rng, ch.people
    cfg = ch.cfg
    eligible = np.flatnonzero((ppl["marketo_id"].to_numpy() > 0) & ppl["subscribed"].to_numpy())
    heavy = ppl["is_heavy_user"].to_numpy()[eligible]
    aud = cat["audience"].to_numpy()
    boost = np.where(heavy, 1.6, 1.0)
    mask = rng.random((len(eligible), len(cat)), dtype=np.float32) < np.minimum(
        1.0, aud[None, :] * boost[:, None]
    )
    pi, ei = np.nonzero(mask)
    p = eligible[pi]
    send = cat["send_ms"].to_numpy()[ei] + rng.integers(0, 1_200_000, len(p))
    keep = (ppl["created_ms"].to_numpy()[p] < send) & (send <= ch.end_ms)
    p, ei, send = p[keep], ei[keep], send[keep]
    camp = cat["campaign_id"].to_numpy()
    tmpl = cat["template_id"].to_numpy()
    name = cat["name"].to_numpy()
    nlinks = cat["n_links"].to_numpy()
    links = np.stack(cat["_links"].to_numpy())
    mk = ppl["marketo_key"].to_numpy()

    def base_frame(pp: np.ndarray, ee: np.ndarray, ts: np.ndarray, ns: str) -> pd.DataFrame:
        order = np.argsort(ts, kind="stable")
        pp, ee, ts = pp[order], ee[order], ts[order]
        ids = ch.counters.take("activity", len(ts), start=50_000_001)
        return pd.DataFrame(
            {
                "id": int_ids(ids),
                "lead_id": mk[pp],
                "activity_date": fmt_ts(ts, rng, utc_share=0.01),
                "campaign_id": int_ids(camp[ee]),
                "email_template_id": int_ids(tmpl[ee]),
                "primary_attribute_value": name[ee],
                "_fivetran_synced": fmt_ts(np.minimum(ts + 7_200_000, ch.end_ms)),
            }
        )

    ch.add("marketo", "activity_send_email", base_frame(p, ei, send, "send"))
    delivered = rng.random(len(p)) < 0.975
    delay_ms = rng.integers(1_000, 90_000, len(p))
    delivered &= send + delay_ms <= ch.end_ms
    dp, de = p[delivered], ei[delivered]
    dms = send[delivered] + delay_ms[delivered]
    ch.add("marketo", "activity_email_delivered", base_frame(dp, de, dms, "delivered"))
    nd = len(dp)

    # --- human opens and clicks ------------------------------------------------------------
    open_p = ppl["open_p"].to_numpy()[dp]
    opened = rng.random(nd) < open_p
    oi = np.flatnonzero(opened)
    delay = rng.lognormal(math.log(3 * 3_600_000), 1.6, len(oi)).astype(np.int64)
    o1 = dms[oi] + np.clip(delay, HUMAN_MIN_DELAY_MS + 1000, HUMAN_MAX_DELAY_MS)
    re = rng.random(len(oi)) < 0.15
    o2 = o1 + 300_000 + rng.lognormal(math.log(2 * 3_600_000), 1.2, len(oi)).astype(np.int64)
    re &= o2 <= dms[oi] + HUMAN_MAX_DELAY_MS
    h_open_row = np.concatenate([oi, oi[re]])
    h_open_ts = np.concatenate([o1, o2[re]])
    click_p = ppl["click_p"].to_numpy()[dp[oi]]
    ci = rng.random(len(oi)) < click_p
    c_rows = oi[ci]
    c1 = o1[ci] + rng.integers(5_000, 300_000, len(c_rows))
    first_link = rng.integers(0, 10_000, len(c_rows)) % nlinks[de[c_rows]]
    two = rng.random(len(c_rows)) < 0.15
    second_link = (
        first_link + 1 + rng.integers(0, 10_000, len(c_rows)) % (nlinks[de[c_rows]] - 1)
    ) % nlinks[de[c_rows]]
    c2 = c1 + rng.integers(10_000, 120_000, len(c_rows))
    h_click_row = np.concatenate([c_rows, c_rows[two]])
    h_click_ts = np.concatenate([c1, c2[two]])
    h_click_link = np.concatenate([first_link, second_link[two]])
    # images off: a very small share of human clicks have no open at all
    not_opened = np.flatnonzero(~opened)
    k_noopen = min(len(not_opened), int(round(0.003 * len(h_click_row))))
    no_open = rng.choice(not_opened, k_noopen, replace=False) if k_noopen else not_opened[:0]
    h_click_row = np.concatenate([h_click_row, no_open])
    h_click_ts = np.concatenate(
        [
            h_click_ts,
            dms[no_open]
            + rng.integers(HUMAN_MIN_DELAY_MS + 5000, HUMAN_MAX_DELAY_MS, len(no_open)),
        ]
    )
    h_click_link = np.concatenate(
        [h_click_link, rng.integers(0, 10_000, len(no_open)) % nlinks[de[no_open]]]
    )
    human = len(h_open_row) + len(h_click_row)

    # --- machine activity, sized so machine / all ~= bot_share ----------------------------------
    target = cfg.bot_share / (1 - cfg.bot_share) * human
    per_row_scan = 1 + nlinks[de]
    n_people = len(ppl)
    scan_rows_person = np.bincount(dp, weights=per_row_scan, minlength=n_people)
    acc_local = ppl["acc_local"].to_numpy()
    at_acc = acc_local >= 0
    scan_rows_acc = np.bincount(
        acc_local[at_acc], weights=scan_rows_person[at_acc], minlength=len(ch.accounts)
    )
    has_scanner = _pick_until(
        rng, scan_rows_acc, 0.35 * target, ~ch.accounts["is_competitor"].to_numpy()
    )
    ch.accounts["has_scanner"] = has_scanner
    scanner_person = at_acc & has_scanner[np.maximum(acc_local, 0)]
    acc_scan_ua = np.where(
        rng.random(len(ch.accounts)) < 0.7,
        UA_SCANNER0 + rng.integers(0, len(c.SCANNER_UAS), len(ch.accounts)),
        rng.integers(3, len(c.HUMAN_MAIL_UAS), len(ch.accounts)),
    )
    si = np.flatnonzero(scanner_person[dp])
    s_ua = acc_scan_ua[acc_local[dp[si]]]
    s_open_ts = dms[si] + rng.integers(0, 1_500, len(si))
    s_flag_burst = rng.random(len(si)) < np.where(s_ua >= UA_SCANNER0, 0.5, 0.3)
    k_links = nlinks[de[si]]
    s_click_row = np.repeat(si, k_links)
    s_click_link = np.arange(len(s_click_row)) - np.repeat(np.cumsum(k_links) - k_links, k_links)
    s_click_ts = dms[s_click_row] + rng.integers(0, 2_000, len(s_click_row))
    s_click_ua = np.repeat(s_ua, k_links)
    s_click_flag = np.repeat(s_flag_burst, k_links)
    scan_rows = len(si) + len(s_click_row)

    per_person_delivered = np.bincount(dp, minlength=n_people).astype(float)
    link_target = 0.05 * target
    link_person = _pick_until(rng, per_person_delivered * 0.5 * 1.5, link_target, ~scanner_person)
    li = np.flatnonzero(link_person[dp] & (rng.random(nd) < 0.5))
    l_two = rng.random(len(li)) < 0.5
    l_row = np.concatenate([li, li[l_two]])
    l_first = rng.integers(0, 10_000, len(li)) % nlinks[de[li]]
    l_link = np.concatenate([l_first, (l_first[l_two] + 1) % nlinks[de[li[l_two]]]])
    l_ts = dms[l_row] + rng.integers(500, 45_000, len(l_row))
    l_ua = np.where(
        rng.random(len(l_row)) < 0.6,
        UA_LINK0 + rng.integers(0, len(c.LINK_CHECKER_UAS), len(l_row)),
        3 + rng.integers(0, len(c.HUMAN_BROWSER_UAS), len(l_row)),
    )
    l_flag = rng.random(len(l_row)) < 0.3

    mpp_target = max(0.0, target - scan_rows - len(l_row))
    apple = _pick_until(rng, per_person_delivered, mpp_target, ~scanner_person)
    mi = np.flatnonzero(apple[dp])
    m_ts = dms[mi] + rng.integers(1_000, 60_000, len(mi))
    m_flag = rng.random(len(mi)) < 0.12

    # --- assemble opens -------------------------------------------------------------------------
    mail_ua = ppl["mail_ua"].to_numpy()
    h_ua = mail_ua[dp[h_open_row]]
    open_row = np.concatenate([h_open_row, mi, si])
    open_ts = np.concatenate([h_open_ts, m_ts, s_open_ts])
    open_ua = np.concatenate([h_ua, np.full(len(mi), UA_MPP), s_ua])
    open_kind = np.concatenate(
        [np.zeros(len(h_open_row), int), np.full(len(mi), 1), np.full(len(si), 2)]
    )
    open_flag = np.concatenate([np.zeros(len(h_open_row), bool), m_flag, s_flag_burst])
    _write_engagement(
        ch,
        "activity_open_email",
        dp,
        de,
        open_row,
        open_ts,
        open_ua,
        open_kind,
        open_flag,
        None,
        camp,
        tmpl,
        name,
        links,
    )

    b_ua = ppl["browser_ua"].to_numpy()
    click_row = np.concatenate([h_click_row, s_click_row, l_row])
    click_ts = np.concatenate([h_click_ts, s_click_ts, l_ts])
    click_ua = np.concatenate([3 + b_ua[dp[h_click_row]], s_click_ua, l_ua])
    click_kind = np.concatenate(
        [np.zeros(len(h_click_row), int), np.full(len(s_click_row), 2), np.full(len(l_row), 3)]
    )
    click_flag = np.concatenate([np.zeros(len(h_click_row), bool), s_click_flag, l_flag])
    click_link = np.concatenate([h_click_link, s_click_link, l_link])
    _write_engagement(
        ch,
        "activity_click_email",
        dp,
        de,
        click_row,
        click_ts,
        click_ua,
        click_kind,
        click_flag,
        click_link,
        camp,
        tmpl,
        name,
        links,
    )
    ppl["is_apple_mail"] = apple
    machine = len(mi) + scan_rows + len(l_row)
    return {"human": float(human), "machine": float(machine)}


def _write_engagement(
    ch: Chunk,
    table: str,
    dp: np.ndarray,
    de: np.ndarray,
    row: np.ndarray,
    ts: np.ndarray,
    ua: np.ndarray,
    kind: np.ndarray,
    flag: np.ndarray,
    link: np.ndarray | None,
    camp: np.ndarray,
    tmpl: np.ndarray,
    name: np.ndarray,
    links: np.ndarray,
) -> None:
    rng, ppl = ch.rng, ch.people
    # activity that would land after the world ends has not happened yet
    order = np.argsort(ts, kind="stable")
    order = order[ts[order] <= ch.end_ms]
    row, ts, ua, kind, flag = row[order], ts[order], ua[order], kind[order], flag[order]
    n = len(row)
    pp, ee = dp[row], de[row]
    ids = int_ids(ch.counters.take("activity", n, start=50_000_001))
    person_ip = ppl["ip"].to_numpy()[pp]
    ip = person_ip.copy()
    gmail = ua == 1
    ip[gmail] = _ip_pool("66.102", rng)[rng.integers(0, 40, int(gmail.sum()))]
    mpp = kind == 1
    ip[mpp] = _ip_pool("17.58", rng)[rng.integers(0, 40, int(mpp.sum()))]
    machine = kind >= 2
    ip[machine] = _ip_pool("185.58", rng)[rng.integers(0, 40, int(machine.sum()))]
    flag_txt = np.where(
        flag,
        choice(rng, ["true", "TRUE", "1"], n, [0.7, 0.2, 0.1]),
        choice(rng, ["false", "", "0", "FALSE"], n, [0.6, 0.25, 0.1, 0.05]),
    )
    flag_txt = np.where(flag_txt == "", None, flag_txt)
    pattern = np.where(
        flag,
        np.where(
            kind == 1,
            "Match IP Address",
            np.where(
                (ua >= UA_SCANNER0) & (rng.random(n) < 0.6), "Match User Agent", "Proximity Pattern"
            ),
        ),
        None,
    )
    frame = pd.DataFrame(
        {
            "id": ids,
            "lead_id": ppl["marketo_key"].to_numpy()[pp],
            "activity_date": fmt_ts(ts, rng, utc_share=0.01),
            "campaign_id": int_ids(camp[ee]),
            "email_template_id": int_ids(tmpl[ee]),
            "primary_attribute_value": name[ee],
            "user_agent": UA_ARRAY[ua],
            "device": DEVICE[ua],
            "platform": PLATFORM[ua],
            "is_mobile_device": np.where(IS_MOBILE[ua], "true", "false"),
            "client_ip_address": ip,
            "is_bot_activity": flag_txt,
            "bot_activity_pattern": pattern,
            "_fivetran_synced": fmt_ts(np.minimum(ts + 7_200_000, ch.end_ms)),
        }
    )
    if link is not None:
        frame.insert(6, "link", links[ee, link[order]])
    ch.add("marketo", table, frame)
    ch.add_truth(
        "email_activities",
        pd.DataFrame(
            {
                "source_table": table,
                "activity_id": ids,
                "lead_id": frame["lead_id"].to_numpy(),
                "is_machine": kind > 0,
                "machine_kind": KIND_NAMES[kind],
                "vendor_flagged": flag,
            }
        ),
    )
