"""The truth folder: what really happened, for tests and benchmarks (never read by dbt)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .writer import prepare_folder

MARKER = "manifest.json"

SCHEMAS: dict[str, pa.Schema] = {
    "accounts": pa.schema(
        [
            ("account_id", pa.string()),
            ("name", pa.string()),
            ("domain", pa.string()),
            ("industry", pa.string()),
            ("employees", pa.int64()),
            ("country", pa.string()),
            ("segment", pa.string()),
            ("is_icp", pa.bool_()),
            ("is_competitor", pa.bool_()),
            ("is_customer", pa.bool_()),
            ("kind", pa.string()),
            ("has_email_scanner", pa.bool_()),
        ]
    ),
    "people": pa.schema(
        [
            ("person_key", pa.string()),
            ("sfdc_lead_id", pa.string()),
            ("sfdc_contact_id", pa.string()),
            ("sfdc_converted_lead_id", pa.string()),
            ("marketo_lead_id", pa.string()),
            ("email", pa.string()),
            ("account_id", pa.string()),
            ("persona", pa.string()),
            ("title", pa.string()),
            ("kind", pa.string()),
            ("is_student", pa.bool_()),
            ("is_free_mail", pa.bool_()),
            ("is_competitor", pa.bool_()),
            ("is_heavy_user", pa.bool_()),
            ("is_apple_mail", pa.bool_()),
        ]
    ),
    "in_market_weeks": pa.schema(
        [
            ("account_id", pa.string()),
            ("week_start", pa.date32()),
            ("episode_id", pa.string()),
        ]
    ),
    "episodes": pa.schema(
        [
            ("episode_id", pa.string()),
            ("account_id", pa.string()),
            ("start_date", pa.date32()),
            ("end_date", pa.date32()),
            ("opportunity_id", pa.string()),
        ]
    ),
    "email_activities": pa.schema(
        [
            ("source_table", pa.string()),
            ("activity_id", pa.string()),
            ("lead_id", pa.string()),
            ("is_machine", pa.bool_()),
            ("machine_kind", pa.string()),
            ("vendor_flagged", pa.bool_()),
        ]
    ),
    "page_views": pa.schema(
        [
            ("page_id", pa.string()),
            ("is_bot", pa.bool_()),
            ("bot_kind", pa.string()),
        ]
    ),
    "hand_raises": pa.schema(
        [
            ("activity_id", pa.string()),
            ("lead_id", pa.string()),
            ("account_id", pa.string()),
            ("form_name", pa.string()),
            ("occurred_at", pa.timestamp("ms")),
        ]
    ),
    "dirty_rows": pa.schema(
        [
            ("source", pa.string()),
            ("table_name", pa.string()),
            ("raw_id", pa.string()),
            ("dirt_kind", pa.string()),
            ("expected_outcome", pa.string()),
            ("detail", pa.string()),
        ]
    ),
}


class TruthWriter:
    """One Parquet file per truth table, appended chunk by chunk (bounded memory)."""

    def __init__(self, folder: Path, force: bool) -> None:
        self.folder = Path(folder)
        self.force = force
        self._writers: dict[str, pq.ParquetWriter] = {}
        self.rows: dict[str, int] = dict.fromkeys(SCHEMAS, 0)

    def prepare(self) -> None:
        owned = [self.folder / f"{name}.parquet" for name in SCHEMAS]
        owned.append(self.folder / MARKER)
        prepare_folder(self.folder, MARKER, owned, self.force)
        # the marker file doubles as manifest; it is rewritten at the end
        for name in SCHEMAS:
            schema = SCHEMAS[name]
            self._writers[name] = pq.ParquetWriter(
                self.folder / f"{name}.parquet", schema, compression="zstd"
            )

    def write(self, name: str, frame: pd.DataFrame) -> None:
        if not len(frame):
            return
        schema = SCHEMAS[name]
        table = pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)
        self._writers[name].write_table(table.replace_schema_metadata(None))
        self.rows[name] += len(frame)

    def close(self) -> None:
        for w in self._writers.values():
            w.close()
        self._writers.clear()
