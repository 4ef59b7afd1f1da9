"""Small shared helpers: id counters, timestamp formatting, seeded generators."""

from __future__ import annotations

import datetime as dt
import zlib

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

MS_PER_DAY = 86_400_000
MS_PER_WEEK = 7 * MS_PER_DAY
EPOCH = dt.date(1970, 1, 1)


def date_ms(day: dt.date) -> int:
    """Milliseconds since the epoch at midnight UTC of ``day``."""
    return (day - EPOCH).days * MS_PER_DAY


def rng_for(seed: int, *labels: object) -> np.random.Generator:
    """A generator derived from the world seed and a label path (stable across runs)."""
    key = "/".join(str(label) for label in labels).encode()
    return np.random.default_rng([seed, zlib.crc32(key)])


class Counters:
    """Running id counters, one per namespace, so ids are unique across chunks."""

    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def take(self, namespace: str, n: int, start: int = 1) -> np.ndarray:
        first = self._next.get(namespace, start)
        self._next[namespace] = first + n
        return np.arange(first, first + n, dtype=np.int64)


def sf_ids(prefix: str, numbers: np.ndarray) -> np.ndarray:
    """Salesforce-looking 18-character ids: 3-char key prefix + padded number + suffix."""
    digits = pd.Series(numbers, dtype="int64").astype(str).str.zfill(10)
    return (prefix + "Qx" + digits + "AAA").to_numpy(dtype=object)


def int_ids(numbers: np.ndarray) -> np.ndarray:
    return pd.Series(numbers, dtype="int64").astype(str).to_numpy(dtype=object)


def prefixed(prefix: str, numbers: np.ndarray) -> np.ndarray:
    return (prefix + pd.Series(numbers, dtype="int64").astype(str)).to_numpy(dtype=object)


def fmt_ts(
    ms: np.ndarray,
    rng: np.random.Generator | None = None,
    frac: bool = True,
    utc_share: float = 0.0,
) -> np.ndarray:
    """Format epoch milliseconds as ``YYYY-MM-DD HH:MM:SS[.fff]`` (some with `` UTC``)."""
    ms = np.asarray(ms, dtype=np.int64)
    if frac:
        arr = pa.array(ms, pa.timestamp("ms")).cast(pa.string())
    else:
        arr = pa.array(ms // 1000, pa.timestamp("s")).cast(pa.string())
    if utc_share > 0 and rng is not None and len(ms):
        mask = pa.array(rng.random(len(ms)) < utc_share)
        arr = pc.if_else(mask, pc.binary_join_element_wise(arr, " UTC", ""), arr)
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=object)


def fmt_date(ms: np.ndarray) -> np.ndarray:
    days = (np.asarray(ms, dtype=np.int64) // MS_PER_DAY).astype("int32")
    arr = pa.array(days, pa.date32()).cast(pa.string())
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=object)


def bools(values: np.ndarray, rng: np.random.Generator, messy: float = 0.0) -> np.ndarray:
    """Booleans as text; with ``messy`` > 0 some use TRUE/FALSE/1/0 spellings."""
    values = np.asarray(values, dtype=bool)
    out = np.where(values, "true", "false").astype(object)
    if messy > 0 and len(values):
        pick = rng.random(len(values))
        upper = pick < messy / 2
        digit = (pick >= messy / 2) & (pick < messy)
        out[upper] = np.where(values[upper], "TRUE", "FALSE")
        out[digit] = np.where(values[digit], "1", "0")
    return out


def choice(rng: np.random.Generator, options: list[str], n: int, p: list[float] | None = None):
    """Pick ``n`` strings from ``options`` as an object array."""
    arr = np.array(options, dtype=object)
    if p is not None:
        probs = np.asarray(p, dtype=float)
        return arr[rng.choice(len(arr), size=n, p=probs / probs.sum())]
    return arr[rng.integers(0, len(arr), size=n)]


def nullable(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Object array with None where ``keep`` is False."""
    out = np.asarray(values, dtype=object).copy()
    out[~np.asarray(keep, dtype=bool)] = None
    return out
