"""Writing raw tables (Parquet or CSV part files), Bombora weekly files, and safe clearing."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from .config import RAW_TABLES, WorldConfig

MARKER = ".mqx-world"
BOM = b"\xef\xbb\xbf"
BOMBORA_HEADER = (
    "Company,Domain,Size,Industry,Category,Topic,Composite Score,Metro Area,Domain Origin,"
    "Bucket Code"
)
BOM_TABLE = ("salesforce", "contact")
# CSV mode: one table written with Windows line endings, one part file gzip-compressed
CRLF_TABLE = ("salesforce", "lead")
GZIP_TABLE = ("marketo", "activity_email_delivered")


class WorldExistsError(RuntimeError):
    """Raised when the output folder holds something that is not a previous world."""


def _looks_like_world(folder: Path, marker: str) -> bool:
    return (folder / marker).exists()


def prepare_folder(folder: Path, marker: str, owned: list[Path], force: bool) -> None:
    """Remove what a previous run wrote; refuse to touch a folder we did not make."""
    if folder.exists() and any(folder.iterdir()):
        if not _looks_like_world(folder, marker) and not force:
            raise WorldExistsError(
                f"{folder} is not empty and does not look like a generated world "
                f"(no {marker}); use --force to overwrite it"
            )
        for path in owned:
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / marker).write_text("written by python -m mqx.world\n")


def raw_table_dirs(out: Path) -> list[Path]:
    return [out / src / tbl for src, tables in RAW_TABLES.items() for tbl in tables]


def to_arrow(frame: pd.DataFrame) -> pa.Table:
    """Every column as text, as the project reads it."""
    arrays = []
    for col in frame.columns:
        values = frame[col].to_numpy(dtype=object)
        try:
            arrays.append(pa.array(values, type=pa.string(), from_pandas=True))
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            txt = np.array([None if v is None else str(v) for v in values], dtype=object)
            arrays.append(pa.array(txt, type=pa.string()))
    return pa.Table.from_arrays(arrays, names=[str(c_) for c_ in frame.columns])


def csv_bytes(table: pa.Table, header: str | None = None, eol: str = "\n") -> bytes:
    buf = io.BytesIO()
    opts = pcsv.WriteOptions(include_header=False, quoting_style="needed", eol=eol)
    pcsv.write_csv(table, buf, opts)
    head = (header if header is not None else ",".join(table.column_names)) + eol
    return head.encode() + buf.getvalue()


class Writer:
    def __init__(self, cfg: WorldConfig) -> None:
        self.cfg = cfg
        self.out = Path(cfg.out)
        self.rows: dict[str, int] = {f"{s}.{t}": 0 for s, ts in RAW_TABLES.items() for t in ts}
        self.files: dict[str, int] = dict.fromkeys(self.rows, 0)
        self._bombora_started: set[Path] = set()

    def prepare(self) -> None:
        owned = raw_table_dirs(self.out) + [self.out / MARKER]
        prepare_folder(self.out, MARKER, owned, self.cfg.force)
        for path in raw_table_dirs(self.out):
            path.mkdir(parents=True, exist_ok=True)

    def write(self, source: str, table: str, frame: pd.DataFrame, part: int) -> None:
        if not len(frame):
            return
        folder = self.out / source / table
        tbl = to_arrow(frame)
        if self.cfg.format == "parquet":
            pq.write_table(tbl, folder / f"part-{part:05d}.parquet", compression="zstd")
        else:
            data = csv_bytes(tbl, eol="\r\n" if (source, table) == CRLF_TABLE else "\n")
            if (source, table) == BOM_TABLE and part == 0:
                data = BOM + data
            if (source, table) == GZIP_TABLE and part == 0:
                # mtime=0 keeps the bytes identical from run to run
                (folder / f"part-{part:05d}.csv.gz").write_bytes(gzip.compress(data, mtime=0))
            else:
                (folder / f"part-{part:05d}.csv").write_bytes(data)
        self.rows[f"{source}.{table}"] += len(frame)
        self.files[f"{source}.{table}"] += 1

    def write_bombora(self, frame: pd.DataFrame, week_starts: list[dt.date]) -> None:
        """Append rows to the weekly MasterSurge files (one file per week, all chunks)."""
        folder = self.out / "bombora" / "surge"
        for w, rows in frame.groupby("_week", sort=True):
            day = week_starts[int(w)]
            path = folder / f"MasterSurgeFile_{day:%Y%m%d}_1.csv"
            data = csv_bytes(to_arrow(rows.drop(columns="_week")), header=BOMBORA_HEADER)
            if path in self._bombora_started:
                data = data.split(b"\n", 1)[1]
            else:
                self._bombora_started.add(path)
                self.files["bombora.surge"] += 1
            with path.open("ab") as fh:
                fh.write(data)
            self.rows["bombora.surge"] += len(rows)
