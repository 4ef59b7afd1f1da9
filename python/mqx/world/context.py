"""Per-chunk state shared by the behaviour generators."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .common import Counters
from .config import WorldConfig


@dataclass
class Chunk:
    """One chunk of accounts and their people, with everything the generators need."""

    cfg: WorldConfig
    index: int
    rng: np.random.Generator
    counters: Counters
    accounts: pd.DataFrame
    people: pd.DataFrame
    start_ms: int
    end_ms: int
    week_ms: np.ndarray
    tables: dict[tuple[str, str], list[pd.DataFrame]] = field(
        default_factory=lambda: defaultdict(list)
    )
    truth: dict[str, list[pd.DataFrame]] = field(default_factory=lambda: defaultdict(list))

    def add(self, source: str, table: str, frame: pd.DataFrame) -> None:
        if len(frame):
            self.tables[(source, table)].append(frame)

    def add_truth(self, name: str, frame: pd.DataFrame) -> None:
        if len(frame):
            self.truth[name].append(frame)

    def table(self, source: str, table: str) -> pd.DataFrame:
        parts = self.tables.get((source, table), [])
        if not parts:
            return pd.DataFrame()
        return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]

    def set_table(self, source: str, table: str, frame: pd.DataFrame) -> None:
        self.tables[(source, table)] = [frame]
