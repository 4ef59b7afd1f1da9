"""Latent in-market episodes and the web, form, intent, CRM and touch data they leave."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import config as c
from .common import (
    MS_PER_DAY,
    MS_PER_WEEK,
    bools,
    choice,
    fmt_date,
    fmt_ts,
    int_ids,
    prefixed,
    sf_ids,
)
from .context import Chunk
from .crm import lognormal_delay_ms, opportunities, touches

IN_MARKET_SHARE = 0.05
MEAN_EPISODE_WEEKS = 6.5
PERSONA_BUY_WEIGHT = {
    "decision_maker": 6.0,
    "champion": 5.0,
    "influencer": 2.0,
    "user": 0.7,
    "not_relevant": 0.1,
}
ROLE_BY_PERSONA = {
    "decision_maker": "Decision Maker",
    "champion": "Champion",
    "influencer": "Influencer",
    "user": "Business User",
    "not_relevant": "Other",
}
PAGE_TITLES = {
    "/pricing": "Pricing | Quotient",
    "/compare/quotient-vs-outreachly": "Quotient vs Outreachly",
    "/vs/cadencly": "Quotient vs Cadencly",
    "/alternatives/pipelane": "Pipelane alternatives",
    "/docs/integrations/salesforce": "Salesforce integration | Docs",
}
FORM_IDS = {
    name: 1000 + i
    for i, name in enumerate(c.HAND_RAISE_FORMS + [c.COMPETITIVE_FORM] + c.EBOOK_FORMS)
}
FORM_PATHS = {
    "Request a Demo": "/demo",
    "Contact Sales": "/contact",
    "Talk to Sales": "/contact",
    "Pricing Inquiry": "/pricing",
    c.COMPETITIVE_FORM: "/compare/quotient-vs-outreachly",
}


class PageParts:
    """Accumulates page-view columns from several generators before one vectorised build."""

    def __init__(self) -> None:
        self.cols: dict[str, list[np.ndarray]] = {
            k: [] for k in ("person", "anon", "ts", "path", "ip", "ua", "bot_kind")
        }

    def add(self, person, anon, ts, path, ip, ua, bot_kind) -> None:
        n = len(ts)
        if not n:
            return
        for key, val in (
            ("person", person),
            ("anon", anon),
            ("ts", ts),
            ("path", path),
            ("ip", ip),
            ("ua", ua),
            ("bot_kind", bot_kind),
        ):
            arr = np.asarray(val)
            if arr.ndim == 0:
                arr = np.full(n, val, dtype=object if not isinstance(val, int) else np.int64)
            self.cols[key].append(arr)

    def frame(self) -> dict[str, np.ndarray]:
        return {k: np.concatenate(v) if v else np.array([]) for k, v in self.cols.items()}


class FormParts:
    def __init__(self) -> None:
        self.rows: list[tuple[int, int, str]] = []
        self.vec: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, person: int, ts: int, form: str) -> None:
        self.rows.append((person, ts, form))

    def add_many(self, person: np.ndarray, ts: np.ndarray, form: np.ndarray) -> None:
        self.vec.append((person, ts, form))

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        p = [np.array([r[0] for r in self.rows], dtype=np.int64)] + [v[0] for v in self.vec]
        t = [np.array([r[1] for r in self.rows], dtype=np.int64)] + [v[1] for v in self.vec]
        f = [np.array([r[2] for r in self.rows], dtype=object)] + [v[2] for v in self.vec]
        return np.concatenate(p), np.concatenate(t), np.concatenate(f)


def simulate_episodes(ch: Chunk) -> tuple[pd.DataFrame, np.ndarray]:
    """Weekly in-market state per account; returns episodes and an accounts x weeks matrix."""
    acc, rng = ch.accounts, ch.rng
    n, weeks = len(acc), len(ch.week_ms)
    prospect_icp = ((acc["kind"] == "icp") & ~acc["is_customer"]).to_numpy()
    poor = (acc["kind"] == "poor_fit").to_numpy()
    h_icp = IN_MARKET_SHARE / (MEAN_EPISODE_WEEKS * (1 - IN_MARKET_SHARE))
    hazard = np.where(prospect_icp, h_icp, np.where(poor, h_icp / 10, 0.0))
    stationary = hazard * MEAN_EPISODE_WEEKS / (1 + hazard * MEAN_EPISODE_WEEKS)
    remaining = np.zeros(n, dtype=np.int64)
    init = rng.random(n) < stationary
    d0 = rng.integers(3, 11, n)
    rem0 = rng.integers(1, d0 + 1)
    remaining[init] = rem0[init]
    ep_acc = [np.flatnonzero(init)]
    ep_start = [np.zeros(int(init.sum()), dtype=np.int64)]
    ep_len = [rem0[init]]
    in_market = np.zeros((n, weeks), dtype=bool)
    for w in range(weeks):
        draw = rng.random(n)
        dur = rng.integers(3, 11, n)
        new = (remaining == 0) & (draw < hazard) & (w > 0 or ~init)
        remaining[new] = dur[new]
        ep_acc.append(np.flatnonzero(new))
        ep_start.append(np.full(int(new.sum()), w, dtype=np.int64))
        ep_len.append(dur[new])
        in_market[:, w] = remaining > 0
        remaining = np.maximum(remaining - 1, 0)
    a = np.concatenate(ep_acc)
    s = np.concatenate(ep_start)
    ln = np.concatenate(ep_len)
    order = np.lexsort((a, s))
    a, s, ln = a[order], s[order], ln[order]
    e = np.minimum(s + ln - 1, weeks - 1)
    start_ms = ch.week_ms[s] + np.where(s > 0, rng.integers(0, 3, len(s)), 0) * MS_PER_DAY
    end_ms = np.minimum(ch.week_ms[e] + MS_PER_WEEK - 1000, ch.end_ms)
    ids = prefixed("EP", ch.counters.take("episode", len(a)) + 100_000)
    episodes = pd.DataFrame(
        {
            "episode_id": ids,
            "acc_local": a,
            "start_w": s,
            "end_w": e,
            "start_ms": start_ms,
            "end_ms": end_ms,
        }
    )
    return episodes, in_market


def episode_activity(ch: Chunk, episodes: pd.DataFrame, pages: PageParts, forms: FormParts):
    """What buyers do during an episode; returns (opportunity rows, contact->opp map)."""
    rng, ppl, acc = ch.rng, ch.people, ch.accounts
    members = ppl.groupby("acc_local").indices
    persona = ppl["persona"].to_numpy()
    mk = ppl["marketo_id"].to_numpy()
    # pandas stores missing ids as NaN, not None: test presence with notna
    has_who = ppl["who_id"].notna().to_numpy()
    contact = ppl["contact_id"].to_numpy()
    has_contact = ppl["contact_id"].notna().to_numpy()
    has_conv_lead = ppl["converted_lead_id"].notna().to_numpy()
    acc_ids = acc["account_id"].to_numpy()
    person_acc = ppl["account_id"].to_numpy()
    ident = ppl["identified"].to_numpy()
    ip = ppl["ip"].to_numpy()
    ua_idx = ppl["browser_ua"].to_numpy()
    anon = ppl["anonymous_id"].to_numpy()
    weights_path = np.array([0.35, 0.15, 0.12, 0.1, 0.28])
    touch_who, touch_ts, touch_kind = [], [], []
    opp_acc, opp_created, opp_ep = [], [], []
    ocr_plan: list[list[int]] = []
    g2_rows: list[tuple] = []
    ep_opp = np.full(len(episodes), None, dtype=object)
    for i, ep in enumerate(episodes.itertuples(index=False)):
        mem = members[ep.acc_local]
        w = np.array([PERSONA_BUY_WEIGHT[persona[m]] for m in mem])
        k = min(len(mem), int(rng.integers(2, 6)))
        buyers = rng.choice(mem, size=k, replace=False, p=w / w.sum())
        span = max(ep.end_ms - ep.start_ms, 3600_000)
        for b in buyers:
            nv = int(rng.integers(2, 9))
            ts = ep.start_ms + rng.integers(0, span, nv)
            paths = np.array(c.BUYING_PATHS, dtype=object)[rng.choice(5, nv, p=weights_path)]
            pages.add(
                np.full(nv, b if ident[b] else -1),
                np.full(nv, anon[b], dtype=object),
                ts,
                paths,
                np.full(nv, ip[b], dtype=object),
                np.array(c.HUMAN_BROWSER_UAS, dtype=object)[np.full(nv, ua_idx[b])],
                "",
            )
        n_anon = int(rng.poisson(3))
        if n_anon:
            pages.add(
                np.full(n_anon, -1),
                prefixed(f"ajs-x{ep.episode_id}-", rng.integers(0, 3, n_anon)),
                ep.start_ms + rng.integers(0, span, n_anon),
                choice(rng, c.BUYING_PATHS[:3], n_anon),
                acc["ip_prefix"].iat[ep.acc_local]
                + pd.Series(rng.integers(10, 14, n_anon)).astype(str).to_numpy(object),
                choice(rng, c.HUMAN_BROWSER_UAS, n_anon),
                "",
            )
        known = [b for b in buyers if mk[b] > 0]
        if known and rng.random() < 0.45:
            b = known[int(rng.integers(0, len(known)))]
            forms.add(int(b), int(ep.start_ms + rng.integers(0, span)), c.COMPETITIVE_FORM)
        raiser = [b for b in known if persona[b] in ("decision_maker", "champion")] or known
        if raiser and rng.random() < 0.4:
            b = raiser[int(rng.integers(0, len(raiser)))]
            t = int(ep.start_ms + span // 3 + rng.integers(0, span - span // 3))
            forms.add(int(b), t, c.HAND_RAISE_FORMS[int(rng.integers(0, 4))])
            if has_who[b] and rng.random() < 0.85:
                t_task = t + int(lognormal_delay_ms(rng, 1, 5.0, 1.1)[0])
                touch_who.append(b), touch_ts.append(t_task), touch_kind.append("call")
                if rng.random() < 0.45:
                    touch_who.append(b)
                    touch_ts.append(t_task + int(rng.integers(1, 8)) * MS_PER_DAY)
                    touch_kind.append("meeting")
        elif rng.random() < 0.2:
            reach = [b for b in buyers if has_who[b]]
            if reach:
                b = reach[0]
                touch_who.append(b)
                touch_ts.append(int(ep.start_ms + rng.integers(0, span)))
                touch_kind.append("meeting")
        if rng.random() < 0.7:
            for _ in range(1 + int(rng.poisson(3))):
                sig = c.G2_BUYING_SIGNALS[int(rng.integers(0, 3))]
                g2_rows.append((ep.acc_local, int(ep.start_ms + rng.integers(0, span)), sig))
        if rng.random() < 0.65:
            created = int(ep.start_ms + rng.integers(0, span + 6 * MS_PER_WEEK))
            if created <= ch.end_ms:
                opp_acc.append(ep.acc_local), opp_created.append(created), opp_ep.append(i)
                ocr_plan.append([int(b) for b in buyers])
    tw = np.array(touch_who, dtype=np.int64)
    tt = np.minimum(np.array(touch_ts, dtype=np.int64), ch.end_ms)
    touches(ch, tw, tt, np.array(touch_kind, dtype=object))
    g2_table(ch, g2_rows)
    conv_opp: dict[str, str] = {}
    if opp_acc:
        opp = opportunities(
            ch,
            np.array(opp_acc),
            np.array(opp_created, dtype=np.int64),
            np.full(len(opp_acc), "New Business", dtype=object),
        )
        ch.add("salesforce", "opportunity", opp)
        ep_opp[np.array(opp_ep)] = opp["id"].to_numpy()
        ocr_rows = []
        opp_account = dict(
            zip(opp["id"].tolist(), acc_ids[np.array(opp_acc)].tolist(), strict=True)
        )
        for oid, buyers in zip(opp["id"].tolist(), ocr_plan, strict=True):
            # roles only for real contacts of the opportunity's own account
            roles = [b for b in buyers if has_contact[b] and person_acc[b] == opp_account[oid]]
            for j, b in enumerate(roles):
                ocr_rows.append((oid, contact[b], ROLE_BY_PERSONA[persona[b]], j == 0))
                if has_conv_lead[b]:
                    conv_opp.setdefault(contact[b], oid)
        if ocr_rows:
            o = np.array(ocr_rows, dtype=object)
            ch.add(
                "salesforce",
                "opportunity_contact_role",
                pd.DataFrame(
                    {
                        "id": sf_ids("00K", ch.counters.take("ocr", len(o))),
                        "opportunity_id": o[:, 0],
                        "contact_id": o[:, 1],
                        "role": o[:, 2],
                        "is_primary": bools(o[:, 3].astype(bool), rng),
                        "is_deleted": bools(np.zeros(len(o), bool), rng),
                    }
                ),
            )
    episodes["opportunity_id"] = ep_opp
    return conv_opp


def employee_band(emp: np.ndarray) -> np.ndarray:
    bands = np.array(
        ["1-50", "51-200", "201-500", "501-1000", "1001-5000", "5001-10000", "10001+"], dtype=object
    )
    return bands[np.searchsorted([50, 200, 500, 1000, 5000, 10000], emp, side="left")]


def g2_table(ch: Chunk, rows: list[tuple]) -> None:
    """G2 buyer-intent rows: episode signals plus background research noise."""
    rng, acc = ch.rng, ch.accounts
    n_acc = len(acc)
    lam = len(ch.week_ms) / 52 * 1.2
    noise_n = rng.poisson(lam, n_acc) * (rng.random(n_acc) < 0.4)
    na = np.repeat(np.arange(n_acc), noise_n)
    nts = ch.start_ms + rng.integers(0, ch.end_ms - ch.start_ms, len(na))
    nsig = choice(rng, c.G2_NOISE_SIGNALS + ["compare"], len(na), [0.35, 0.3, 0.2, 0.1, 0.05])
    a = np.concatenate([np.array([r[0] for r in rows], dtype=np.int64), na])
    ts = np.concatenate([np.array([r[1] for r in rows], dtype=np.int64), nts])
    sig = np.concatenate([np.array([r[2] for r in rows], dtype=object), nsig])
    if not len(a):
        return
    n = len(a)
    comp = np.array(c.G2_PRODUCTS[1:], dtype=object)[rng.integers(0, 3, n)]
    is_cmp = sig == "compare"
    product = np.where(rng.random(n) < 0.7, "Quotient", comp).astype(object)
    left = np.where(is_cmp, "Quotient", None)
    right = np.where(is_cmp, comp, None)
    emp = acc["employees"].to_numpy()[a]
    order = np.argsort(ts, kind="stable")
    frame = pd.DataFrame(
        {
            "day": fmt_date(ts),
            "company_domain": acc["domain"].to_numpy()[a],
            "signal_type": sig,
            "company_id": int_ids(acc["global_idx"].to_numpy()[a] + 5_000_000),
            "company_name": acc["name"].to_numpy()[a],
            "company_country": acc["country"].to_numpy()[a],
            "company_employees": employee_band(emp),
            "company_industry": acc["industry"].to_numpy()[a],
            "product_name": product,
            "category_name": "Sales Engagement",
            "left_product_name": left,
            "right_product_name": right,
            "visitor_count": 1 + rng.poisson(0.6, n),
            "total_activity": 1 + rng.poisson(2.0, n),
            "company_intent_score": rng.integers(10, 100, n),
        }
    ).iloc[order]
    # G2's export has one row per (day, company, signal, products): activity that falls on
    # the same key is one row with the counts added up
    key = [
        "day",
        "company_domain",
        "signal_type",
        "product_name",
        "category_name",
        "left_product_name",
        "right_product_name",
    ]
    agg = {col: "first" for col in frame.columns if col not in key}
    agg.update(visitor_count="sum", total_activity="sum", company_intent_score="max")
    frame = frame.groupby(key, sort=False, dropna=False).agg(agg).reset_index()[frame.columns]
    for col in ("visitor_count", "total_activity", "company_intent_score"):
        frame[col] = int_ids(frame[col].to_numpy())
    ch.add("g2", "buyer_intent", frame)


def bombora(ch: Chunk, in_market: np.ndarray) -> pd.DataFrame:
    """Weekly surge rows for covered accounts (week index in column ``_week``)."""
    rng, acc = ch.rng, ch.accounts
    n, weeks = in_market.shape
    covered = rng.random(n) < 0.75
    seen = in_market & covered[:, None] & (rng.random((n, weeks)) < 0.85)
    noise = covered[:, None] & (rng.random((n, weeks)) < 0.1)
    sa, sw = np.nonzero(seen)
    k = rng.integers(1, 4, len(sa))
    sa, sw = np.repeat(sa, k), np.repeat(sw, k)
    s_topic = np.array(c.BOMBORA_TOPICS, dtype=object)[rng.integers(0, 3, len(sa))]
    s_score = rng.integers(60, 100, len(sa))
    na, nw = np.nonzero(noise)
    all_topics = c.BOMBORA_TOPICS + c.BOMBORA_NOISE_TOPICS
    n_topic = np.array(all_topics, dtype=object)[rng.integers(0, len(all_topics), len(na))]
    n_score = np.clip(rng.normal(44, 9, len(na)), 1, 100).astype(int)
    a = np.concatenate([sa, na])
    w = np.concatenate([sw, nw])
    topic = np.concatenate([s_topic, n_topic])
    score = np.concatenate([s_score, n_score])
    frame = pd.DataFrame({"_w": w, "_a": a, "Topic": topic, "Composite Score": score})
    frame = frame.drop_duplicates(["_w", "_a", "Topic"]).sort_values(["_w", "_a", "Topic"])
    a = frame["_a"].to_numpy()
    country = acc["country"].to_numpy()[a]
    metro = np.where(country == "United States", "New York", "")
    return pd.DataFrame(
        {
            "_week": frame["_w"].to_numpy(),
            "Company": acc["name"].to_numpy()[a],
            "Domain": acc["domain"].to_numpy()[a],
            "Size": employee_band(acc["employees"].to_numpy()[a]),
            "Industry": acc["industry"].to_numpy()[a],
            "Category": np.where(np.isin(frame["Topic"], c.BOMBORA_TOPICS), "Sales", "Technology"),
            "Topic": frame["Topic"].to_numpy(),
            "Composite Score": int_ids(frame["Composite Score"].to_numpy()),
            "Metro Area": metro,
            "Domain Origin": np.where(country == "United States", "US", "INTL"),
            "Bucket Code": np.where(frame["Composite Score"].to_numpy() >= 60, "B", "A"),
        }
    )


def background_pages(ch: Chunk, pages: PageParts) -> None:
    """Blog/product browsing by known people and anonymous colleagues; no buying intent."""
    rng, ppl, acc = ch.rng, ch.people, ch.accounts
    weeks = len(ch.week_ms)
    lam = ppl["engagement"].to_numpy() * 0.16 * weeks
    n_views = rng.poisson(lam)
    person = np.repeat(np.arange(len(ppl)), n_views)
    nv = len(person)
    ts = ch.start_ms + rng.integers(0, ch.end_ms - ch.start_ms, nv)
    heavy = ppl["is_heavy_user"].to_numpy()[person]
    path_pool = np.array(c.ENGAGEMENT_PATHS + ["/pricing"], dtype=object)
    p_normal = np.array([1.0] * len(c.ENGAGEMENT_PATHS) + [0.25])
    p_heavy = np.array([1.0] * len(c.ENGAGEMENT_PATHS) + [0.8])
    path = np.where(
        heavy,
        path_pool[rng.choice(len(path_pool), nv, p=p_heavy / p_heavy.sum())],
        path_pool[rng.choice(len(path_pool), nv, p=p_normal / p_normal.sum())],
    )
    home = rng.random(nv) < 0.2
    ip = np.where(home, ppl["ip_home"].to_numpy()[person], ppl["ip"].to_numpy()[person])
    ua = np.array(c.HUMAN_BROWSER_UAS, dtype=object)[ppl["browser_ua"].to_numpy()[person]]
    ident = ppl["identified"].to_numpy()[person]
    pages.add(
        np.where(ident, person, -1), ppl["anonymous_id"].to_numpy()[person], ts, path, ip, ua, ""
    )
    # anonymous colleagues at accounts: tied to companies only through ip_companies
    n_anon = rng.poisson(0.12 * weeks, len(acc))
    a = np.repeat(np.arange(len(acc)), n_anon)
    na = len(a)
    pages.add(
        np.full(na, -1),
        prefixed("ajs-v", ch.index * 10_000_000 + np.arange(na) // 2),
        ch.start_ms + rng.integers(0, ch.end_ms - ch.start_ms, na),
        path_pool[rng.integers(0, len(path_pool), na)],
        acc["ip_prefix"].to_numpy()[a]
        + pd.Series(rng.integers(10, 14, na)).astype(str).to_numpy(object),
        choice(rng, c.HUMAN_BROWSER_UAS, na),
        "",
    )


def bot_pages(ch: Chunk, pages: PageParts, human_views: int) -> None:
    rng = ch.rng
    n = int(human_views * 0.12 / 0.88)
    kind_idx = rng.integers(0, len(c.PAGE_BOT_UAS), n)
    all_paths = np.array(
        c.ENGAGEMENT_PATHS + c.BUYING_PATHS + ["/robots.txt", "/sitemap.xml"], dtype=object
    )
    ip = (
        "66.249."
        + pd.Series(rng.integers(1, 255, n)).astype(str)
        + "."
        + pd.Series(rng.integers(1, 255, n)).astype(str)
    ).to_numpy(object)
    cloud = kind_idx >= 3
    ip[cloud] = (
        "35.186." + pd.Series(rng.integers(1, 255, int(cloud.sum()))).astype(str) + ".9"
    ).to_numpy(object)
    pages.add(
        np.full(n, -1),
        prefixed("ajs-b", ch.index * 10_000_000 + rng.integers(0, 500, n)),
        ch.start_ms + rng.integers(0, ch.end_ms - ch.start_ms, n),
        all_paths[rng.integers(0, len(all_paths), n)],
        ip,
        np.array(c.PAGE_BOT_UAS, dtype=object)[kind_idx],
        np.array(c.PAGE_BOT_KINDS, dtype=object)[kind_idx],
    )


def build_pages(ch: Chunk, pages: PageParts) -> None:
    rng, ppl = ch.rng, ch.people
    cols = pages.frame()
    order = np.argsort(cols["ts"], kind="stable")
    cols = {k: v[order] for k, v in cols.items()}
    n = len(order)
    ids = prefixed("pg-", ch.counters.take("page", n, start=10_000_001))
    person = cols["person"].astype(np.int64)
    mkkey = ppl["marketo_key"].to_numpy()
    user_id = np.where(person >= 0, mkkey[np.maximum(person, 0)], None)
    ts = cols["ts"].astype(np.int64)
    path = cols["path"]
    title = pd.Series(path).map(PAGE_TITLES).fillna("Quotient").to_numpy(object)
    referrer = choice(
        rng,
        [
            "https://www.google.com/",
            "https://www.linkedin.com/",
            "",
            SITE_REF,
            "https://www.g2.com/",
        ],
        n,
        [0.35, 0.15, 0.25, 0.2, 0.05],
    )
    ch.add(
        "segment",
        "pages",
        pd.DataFrame(
            {
                "id": ids,
                "anonymous_id": cols["anon"],
                "user_id": user_id,
                "context_ip": cols["ip"],
                "url": (c.SITE + pd.Series(path)).to_numpy(object),
                "path": path,
                "title": title,
                "referrer": referrer,
                "context_user_agent": cols["ua"],
                "timestamp": fmt_ts(ts, rng, utc_share=0.01),
                "received_at": fmt_ts(np.minimum(ts + rng.integers(50, 4000, n), ch.end_ms)),
                "uuid_ts": fmt_ts(
                    np.minimum(ts + rng.integers(3_600_000, 7_200_000, n), ch.end_ms)
                ),
            }
        ),
    )
    bot = cols["bot_kind"] != ""
    ch.add_truth(
        "page_views",
        pd.DataFrame(
            {"page_id": ids, "is_bot": bot, "bot_kind": np.where(bot, cols["bot_kind"], None)}
        ),
    )


SITE_REF = c.SITE + "/blog/sales-cadence-playbook"


def background_forms(ch: Chunk, forms: FormParts) -> None:
    rng, ppl = ch.rng, ch.people
    known = ppl["marketo_id"].to_numpy() > 0
    lam = ppl["engagement"].to_numpy() * 0.35 * len(ch.week_ms) / 52 * known
    k = rng.poisson(lam)
    person = np.repeat(np.arange(len(ppl)), k)
    ts = ch.start_ms + rng.integers(0, ch.end_ms - ch.start_ms, len(person))
    forms.add_many(person, ts, choice(rng, c.EBOOK_FORMS, len(person)))
    # a few students and consultants hit 'Contact Sales' too: hand-raises with no fit
    odd = np.flatnonzero(known & ppl["is_heavy_user"].to_numpy() & (rng.random(len(ppl)) < 0.04))
    forms.add_many(
        odd,
        ch.start_ms + rng.integers(0, ch.end_ms - ch.start_ms, len(odd)),
        choice(rng, c.HAND_RAISE_FORMS, len(odd)),
    )


def build_forms(ch: Chunk, forms: FormParts) -> None:
    rng, ppl = ch.rng, ch.people
    person, ts, form = forms.arrays()
    order = np.argsort(ts, kind="stable")
    person, ts, form = person[order], ts[order], form[order]
    n = len(ts)
    ids = ch.counters.take("activity", n, start=50_000_001)
    ref_path = pd.Series(form).map(FORM_PATHS).fillna("/resources/ebooks").to_numpy(object)
    ch.add(
        "marketo",
        "activity_fill_out_form",
        pd.DataFrame(
            {
                "id": int_ids(ids),
                "lead_id": ppl["marketo_key"].to_numpy()[person],
                "activity_date": fmt_ts(ts, rng, frac=False, utc_share=0.01),
                "primary_attribute_value": form,
                "webform_id": int_ids(pd.Series(form).map(FORM_IDS).to_numpy(np.int64)),
                "referrer_url": (c.SITE + pd.Series(ref_path)).to_numpy(object),
                "client_ip_address": ppl["ip"].to_numpy()[person],
                "user_agent": np.array(c.HUMAN_BROWSER_UAS, dtype=object)[
                    ppl["browser_ua"].to_numpy()[person]
                ],
                "_fivetran_synced": fmt_ts(np.minimum(ts + 3_600_000, ch.end_ms)),
            }
        ),
    )
    hr = np.isin(form, c.HAND_RAISE_FORMS)
    ch.add_truth(
        "hand_raises",
        pd.DataFrame(
            {
                "activity_id": int_ids(ids[hr]),
                "lead_id": ppl["marketo_key"].to_numpy()[person[hr]],
                "account_id": ppl["account_id"].to_numpy()[person[hr]],
                "form_name": form[hr],
                "occurred_at": pd.to_datetime(ts[hr], unit="ms"),
            }
        ),
    )
    # identifies: a form fill ties the browser to the known lead
    ch.add(
        "segment",
        "identifies",
        pd.DataFrame(
            {
                "id": prefixed("id-", ch.counters.take("identify", n, start=1)),
                "anonymous_id": ppl["anonymous_id"].to_numpy()[person],
                "user_id": ppl["marketo_key"].to_numpy()[person],
                "email": ppl["email"].to_numpy()[person],
                "timestamp": fmt_ts(np.minimum(ts + 500, ch.end_ms), rng),
                "received_at": fmt_ts(np.minimum(ts + 2500, ch.end_ms)),
            }
        ),
    )


def identifies_for_known(ch: Chunk) -> None:
    rng, ppl = ch.rng, ch.people
    m = np.flatnonzero(ppl["identified"].to_numpy() & (ppl["marketo_id"].to_numpy() > 0))
    ts = ch.start_ms + rng.integers(0, ch.end_ms - ch.start_ms, len(m)) // 4
    ch.add(
        "segment",
        "identifies",
        pd.DataFrame(
            {
                "id": prefixed("id-", ch.counters.take("identify", len(m), start=1)),
                "anonymous_id": ppl["anonymous_id"].to_numpy()[m],
                "user_id": ppl["marketo_key"].to_numpy()[m],
                "email": ppl["email"].to_numpy()[m],
                "timestamp": fmt_ts(ts, rng),
                "received_at": fmt_ts(np.minimum(ts + 2500, ch.end_ms)),
            }
        ),
    )


def ip_companies(ch: Chunk) -> None:
    rng, acc = ch.rng, ch.accounts
    n = len(acc)
    # each company browses through four egress IPs (.10-.13); enrichment knows 80% of firms
    hosts = np.arange(10, 14)
    enrich = rng.random(n) < 0.8
    ea = np.flatnonzero(enrich)
    ea_rep = np.repeat(ea, len(hosts))
    h = np.tile(hosts, len(ea))
    ch.add(
        "segment",
        "ip_companies",
        pd.DataFrame(
            {
                "ip": acc["ip_prefix"].to_numpy()[ea_rep]
                + pd.Series(h).astype(str).to_numpy(object),
                "domain": acc["domain"].to_numpy()[ea_rep],
                "company_name": acc["name"].to_numpy()[ea_rep],
                "confidence": pd.Series(np.round(rng.uniform(0.5, 0.99, len(ea_rep)), 2))
                .astype(str)
                .to_numpy(object),
            }
        ),
    )


def campaign_members(ch: Chunk, campaigns: pd.DataFrame) -> None:
    """Webinar/event/content membership driven by each person's engagement."""
    rng, ppl = ch.rng, ch.people
    reach = np.flatnonzero(ppl["who_id"].notna().to_numpy())
    if not len(reach) or not len(campaigns):
        return
    eng = ppl["engagement"].to_numpy()[reach]
    ctype = campaigns["type"].to_numpy()
    base = np.where(ctype == "Webinar", 0.02, np.where(ctype == "Event", 0.01, 0.015))
    prob = np.minimum(0.6, eng[:, None] * base[None, :])
    hit = rng.random((len(reach), len(campaigns))) < prob
    pi, ci = np.nonzero(hit)
    p = reach[pi]
    n = len(p)
    start = campaigns["_start_ms"].to_numpy()[ci]
    webinar = ctype[ci] == "Webinar"
    attended = rng.random(n) < 0.45
    status = np.where(webinar, np.where(attended, "Attended", "Registered"), "Responded")
    # nobody has attended or responded to a campaign that starts after the world ends
    status = np.where(start > ch.end_ms, "Registered", status)
    responded = status != "Registered"
    created = start - rng.integers(1, 15, n) * MS_PER_DAY
    created = np.minimum(created, ch.end_ms - rng.integers(0, MS_PER_DAY // 1000, n) * 1000)
    is_contact = ppl["sf_kind"].to_numpy()[p] == "contact"
    ch.add(
        "salesforce",
        "campaign_member",
        pd.DataFrame(
            {
                "id": sf_ids("00v", ch.counters.take("campaign_member", n)),
                "campaign_id": campaigns["id"].to_numpy()[ci],
                "lead_id": np.where(is_contact, None, ppl["lead_id"].to_numpy()[p]),
                "contact_id": np.where(is_contact, ppl["contact_id"].to_numpy()[p], None),
                "status": status,
                "has_responded": bools(responded, rng),
                "first_responded_date": np.where(responded, fmt_date(start), None),
                "created_date": fmt_ts(created, rng),
                "is_deleted": bools(np.zeros(n, bool), rng),
            }
        ),
    )


def noise_opportunities(ch: Chunk) -> None:
    """Renewals/expansions at customers and a few New Business deals with no episode."""
    rng, acc = ch.rng, ch.accounts
    n = len(acc)
    span = ch.end_ms - ch.start_ms
    cust = np.flatnonzero(acc["is_customer"].to_numpy())
    exp = cust[rng.random(len(cust)) < 0.3]
    other = np.flatnonzero(~acc["is_competitor"].to_numpy() & (rng.random(n) < 0.02))
    a = np.concatenate([cust, exp, other])
    kinds = np.array(
        ["Renewal"] * len(cust) + ["Expansion"] * len(exp) + ["New Business"] * len(other),
        dtype=object,
    )
    created = ch.start_ms + rng.integers(0, span, len(a))
    if len(a):
        ch.add("salesforce", "opportunity", opportunities(ch, a, created, kinds))


def background_touches(ch: Chunk) -> None:
    rng, ppl = ch.rng, ch.people
    reach = np.flatnonzero(ppl["who_id"].notna().to_numpy())
    k = rng.poisson(0.5 * len(ch.week_ms) / 52, len(reach))
    who = np.repeat(reach, k)
    ts = ch.start_ms + rng.integers(0, ch.end_ms - ch.start_ms, len(who))
    kind = choice(
        rng, ["call", "email", "call_event", "meeting"], len(who), [0.45, 0.45, 0.05, 0.05]
    )
    touches(ch, who, ts, kind)
