"""Writers for raw files in the landing contract's layout, and a minimal valid world.

``<raw_root>/<source>/<table>/<file>``: CSV (optionally with a byte-order mark, CRLF
line endings, another delimiter, gzip) or Parquet with typed columns.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Sequence
from pathlib import Path

import duckdb

SYNCED = "2024-03-02 00:00:00"

ACCOUNT_HEADER = [
    "id",
    "name",
    "created_date",
    "website",
    "industry",
    "number_of_employees",
    "annual_revenue",
    "billing_country",
    "type",
    "owner_id",
    "is_deleted",
    "_fivetran_synced",
]
CONTACT_HEADER = [
    "id",
    "created_date",
    "account_id",
    "email",
    "first_name",
    "last_name",
    "title",
    "lead_source",
    "is_deleted",
    "_fivetran_synced",
]
LEAD_HEADER = [
    "id",
    "created_date",
    "email",
    "first_name",
    "last_name",
    "title",
    "company",
    "website",
    "status",
    "is_converted",
    "is_deleted",
    "_fivetran_deleted",
    "_fivetran_synced",
]
OPPORTUNITY_HEADER = [
    "id",
    "account_id",
    "created_date",
    "name",
    "amount",
    "stage_name",
    "is_closed",
    "is_won",
    "close_date",
    "type",
    "is_deleted",
    "_fivetran_synced",
]
MARKETO_LEAD_HEADER = [
    "id",
    "email",
    "first_name",
    "last_name",
    "company",
    "created_at",
    "updated_at",
    "sfdc_lead_id",
]
OPEN_HEADER = ["id", "lead_id", "activity_date", "campaign_id", "email_template_id", "user_agent"]
BOMBORA_HEADER = [
    "Company",
    "Domain",
    "Size",
    "Industry",
    "Category",
    "Topic",
    "Composite Score",
    "Metro Area",
    "Domain Origin",
    "Bucket Code",
]
G2_HEADER = ["day", "company_domain", "signal_type", "company_name", "product_name"]

HUMAN_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0"


def table_folder(raw_root: Path, source: str, table: str) -> Path:
    folder = raw_root / source / table
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def csv_text(header: Sequence[str], rows: Sequence[Sequence[object]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue()


def write_csv(
    raw_root: Path,
    source: str,
    table: str,
    name: str,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    bom: bool = False,
    crlf: bool = False,
    delimiter: str = ",",
    gz: bool = False,
) -> Path:
    """One CSV file of a contract table; returns its path."""
    text = csv_text(header, rows, delimiter)
    if crlf:
        text = text.replace("\n", "\r\n")
    data = ("\ufeff" if bom else "").encode() + text.encode("utf-8")
    path = table_folder(raw_root, source, table) / (name + (".csv.gz" if gz else ".csv"))
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def write_bytes(raw_root: Path, source: str, table: str, name: str, data: bytes) -> Path:
    path = table_folder(raw_root, source, table) / name
    path.write_bytes(data)
    return path


def write_parquet(raw_root: Path, source: str, table: str, name: str, select_sql: str) -> Path:
    """One Parquet file holding the rows of `select_sql` with their DuckDB types."""
    path = table_folder(raw_root, source, table) / f"{name}.parquet"
    with duckdb.connect() as con:
        con.execute(f"copy ({select_sql}) to '{path}' (format parquet)")
    return path


def write_base(raw_root: Path) -> None:
    """A minimal valid world: a handful of clean rows per core table, all staged."""
    write_csv(
        raw_root,
        "salesforce",
        "account",
        "base",
        ACCOUNT_HEADER,
        [
            [
                "A001",
                "Acme",
                "2024-01-05 09:00:00",
                "acme.com",
                "Software",
                "250",
                "1000000",
                "US",
                "Prospect",
                "U1",
                "false",
                SYNCED,
            ],
            [
                "A002",
                "Globex",
                "2024-01-06 09:00:00",
                "globex.com",
                "Retail",
                "1200",
                "",
                "GB",
                "Customer",
                "U2",
                "false",
                SYNCED,
            ],
            [
                "A003",
                "Initech",
                "2024-01-07 09:00:00",
                "initech.io",
                "Software",
                "80",
                "",
                "US",
                "Prospect",
                "U1",
                "false",
                SYNCED,
            ],
        ],
    )
    write_csv(
        raw_root,
        "salesforce",
        "contact",
        "base",
        CONTACT_HEADER,
        [
            [
                "C001",
                "2024-01-10 10:00:00",
                "A001",
                "ann@acme.com",
                "Ann",
                "Lee",
                "VP Sales",
                "Web",
                "false",
                SYNCED,
            ],
            [
                "C002",
                "2024-01-11 10:00:00",
                "A002",
                "bob@globex.com",
                "Bob",
                "Roy",
                "Director of Sales Operations",
                "Event",
                "false",
                SYNCED,
            ],
            [
                "C003",
                "2024-01-12 10:00:00",
                "A003",
                "cy@initech.io",
                "Cy",
                "Park",
                "Engineer",
                "Web",
                "false",
                SYNCED,
            ],
        ],
    )
    write_csv(
        raw_root,
        "salesforce",
        "lead",
        "base",
        LEAD_HEADER,
        [
            [
                "L001",
                "2024-02-01 08:00:00",
                "dee@acme.com",
                "Dee",
                "Fox",
                "SDR Manager",
                "Acme",
                "acme.com",
                "Open",
                "false",
                "false",
                "false",
                SYNCED,
            ],
            [
                "L002",
                "2024-02-02 08:00:00",
                "eve@umbrella.com",
                "Eve",
                "Kim",
                "CRO",
                "Umbrella",
                "umbrella.com",
                "Working",
                "false",
                "false",
                "false",
                SYNCED,
            ],
            [
                "L003",
                "2024-02-03 08:00:00",
                "fay@hooli.com",
                "Fay",
                "Ng",
                "Analyst",
                "Hooli",
                "hooli.com",
                "Converted",
                "true",
                "false",
                "false",
                SYNCED,
            ],
        ],
    )
    write_csv(
        raw_root,
        "salesforce",
        "opportunity",
        "base",
        OPPORTUNITY_HEADER,
        [
            [
                "O001",
                "A001",
                "2024-02-10 12:00:00",
                "Acme new",
                "25000",
                "Prospecting",
                "false",
                "false",
                "2024-05-01",
                "New Business",
                "false",
                SYNCED,
            ],
            [
                "O002",
                "A002",
                "2024-02-11 12:00:00",
                "Globex renewal",
                "40000",
                "Closed Won",
                "true",
                "true",
                "2024-03-01",
                "Renewal",
                "false",
                SYNCED,
            ],
        ],
    )
    write_csv(
        raw_root,
        "marketo",
        "lead",
        "base",
        MARKETO_LEAD_HEADER,
        [
            [
                "M001",
                "dee@acme.com",
                "Dee",
                "Fox",
                "Acme",
                "2024-02-01 08:00:00",
                "2024-02-05 08:00:00",
                "L001",
            ],
            [
                "M002",
                "eve@umbrella.com",
                "Eve",
                "Kim",
                "Umbrella",
                "2024-02-02 08:00:00",
                "2024-02-05 08:00:00",
                "L002",
            ],
            [
                "M003",
                "zed@initech.io",
                "Zed",
                "Ito",
                "Initech",
                "2024-02-03 08:00:00",
                "2024-02-05 08:00:00",
                "",
            ],
        ],
    )
    write_csv(
        raw_root,
        "marketo",
        "activity_open_email",
        "base",
        OPEN_HEADER,
        [
            ["E001", "M001", "2024-02-20 09:00:00", "CMP1", "T1", HUMAN_UA],
            ["E002", "M002", "2024-02-21 15:30:00", "CMP1", "T1", HUMAN_UA],
        ],
    )
    write_csv(
        raw_root,
        "bombora",
        "surge",
        "MasterSurgeFile_20240219_1",
        BOMBORA_HEADER,
        [
            [
                "Acme",
                "acme.com",
                "M",
                "Software",
                "Sales",
                "Sales Engagement",
                "72",
                "NYC",
                "Bombora",
                "B1",
            ],
        ],
    )
    write_csv(
        raw_root,
        "g2",
        "buyer_intent",
        "base",
        G2_HEADER,
        [
            ["2024-02-20", "acme.com", "pricing", "Acme", "Quotient"],
        ],
    )
