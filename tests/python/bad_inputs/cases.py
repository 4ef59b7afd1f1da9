"""The bad-input corpus: each case's damage and what staging must make of it.

A ``StagedCase`` writes its own file(s) (named after the case) with ids no other case
uses into the shared raw root; its ``check`` asserts on the one shared build, finding its
rows by file name or id. A ``FailureCase`` damages a fresh base root and must stop the
build with a message naming the table, the column and what to fix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dbt_harness import Build

from bad_inputs import raw_files as rf
from bad_inputs.raw_files import (
    ACCOUNT_HEADER,
    BOMBORA_HEADER,
    CONTACT_HEADER,
    G2_HEADER,
    HUMAN_UA,
    LEAD_HEADER,
    MARKETO_LEAD_HEADER,
    OPEN_HEADER,
    OPPORTUNITY_HEADER,
    SYNCED,
)


@dataclass(frozen=True)
class StagedCase:
    name: str
    expected: str  # cleaned / set aside / deleted / duplicate / empty input, in words
    damage: Callable[[Path], None]
    check: Callable[[Build], None]


@dataclass(frozen=True)
class FailureCase:
    name: str
    expected: str
    damage: Callable[[Path], None]
    # every fragment must appear in the build's error message
    message_fragments: tuple[str, ...]
    select: str = "base_salesforce__accounts"


# ---------------------------------------------------------------------------- helpers


def _rows(build: Build, model: str, where: str) -> list[tuple]:
    return build.query(f"select * from staging.{model} where {where}")


def _outcomes(build: Build, model: str, id_column: str, ids: list[str]) -> dict[str, list]:
    """id -> the row outcomes of its raw copies, in landing order."""
    in_list = ", ".join(f"'{i}'" for i in ids)
    found: dict[str, list] = {}
    for key, outcome in build.query(
        f"select {id_column}, row_outcome from staging.{model}"
        f" where {id_column} in ({in_list}) order by _mqx_row_number"
    ):
        found.setdefault(key, []).append(outcome)
    return found


def _set_aside_in_file(build: Build, source: str, table: str, file_name: str) -> list[tuple]:
    """(raw_id, reason) of the set-aside rows of one raw file, from the analyst's audit."""
    return build.query(
        "select raw_id, set_aside_reason from staging.stg_audit__rows_set_aside"
        f" where source_name = '{source}' and source_table = '{table}'"
        f" and source_file like '%/{file_name}'"
    )


def _reason(build: Build, source: str, table: str, raw_id: str) -> str:
    reasons = [
        r[0]
        for r in build.query(
            "select set_aside_reason from staging.stg_audit__rows_set_aside"
            f" where source_name = '{source}' and source_table = '{table}'"
            f" and raw_id = '{raw_id}'"
        )
    ]
    assert len(reasons) == 1, f"{source}.{table} id {raw_id!r}: set-aside rows {reasons}"
    return reasons[0]


def _scalar(build: Build, sql: str):
    return build.scalar(sql)


def _test_status(build: Build, fragment: str) -> str:
    statuses = [r["status"] for r in build.results if fragment in r["unique_id"]]
    assert statuses, f"no test result matching {fragment!r}"
    return statuses[0]


def _account(
    raw_id,
    name="Case Co",
    created="2024-01-05 09:00:00",
    website="case.com",
    employees="100",
    is_deleted="false",
    synced=SYNCED,
):
    return [
        raw_id,
        name,
        created,
        website,
        "Software",
        employees,
        "",
        "US",
        "Prospect",
        "U1",
        is_deleted,
        synced,
    ]


def _contact(
    raw_id,
    account_id="A001",
    created="2024-01-10 10:00:00",
    email="x@acme.com",
    title="Manager",
    is_deleted="false",
    synced=SYNCED,
):
    return [raw_id, created, account_id, email, "X", "Y", title, "Web", is_deleted, synced]


def _lead(
    raw_id,
    created="2024-02-01 08:00:00",
    email="l@lead.com",
    title="Manager",
    status="Open",
    is_deleted="false",
    fivetran_deleted="false",
    synced=SYNCED,
    website="lead.com",
):
    return [
        raw_id,
        created,
        email,
        "L",
        "M",
        title,
        "LeadCo",
        website,
        status,
        "false",
        is_deleted,
        fivetran_deleted,
        synced,
    ]


def _opportunity(raw_id, account_id="A001", amount="1000", created="2024-02-10 12:00:00"):
    return [
        raw_id,
        account_id,
        created,
        "Case opp",
        amount,
        "Prospecting",
        "false",
        "false",
        "2024-06-01",
        "New Business",
        "false",
        SYNCED,
    ]


# ------------------------------------------------------------------ cases: file format


def _bom_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "salesforce",
        "account",
        "bom_header",
        ACCOUNT_HEADER,
        [_account("A_BOM", name="Bom Co")],
        bom=True,
    )


def _bom_check(build: Build) -> None:
    assert _rows(build, "stg_salesforce__accounts", "account_id = 'A_BOM'"), "A_BOM not staged"
    assert (
        _scalar(
            build,
            "select account_name from staging.stg_salesforce__accounts where account_id = 'A_BOM'",
        )
        == "Bom Co"
    )


def _crlf_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "salesforce",
        "contact",
        "crlf_line_endings",
        CONTACT_HEADER,
        [_contact("C_CRLF1"), _contact("C_CRLF2", title="CFO")],
        crlf=True,
    )


def _crlf_check(build: Build) -> None:
    rows = build.query(
        "select contact_id, title, fivetran_synced_at from staging.stg_salesforce__contacts"
        " where contact_id like 'C_CRLF%' order by contact_id"
    )
    assert [r[:2] for r in rows] == [("C_CRLF1", "Manager"), ("C_CRLF2", "CFO")]
    # the last column of each line carries no stray '\r': it parses as a timestamp
    assert all(r[2] is not None for r in rows)


def _semicolon_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "salesforce",
        "lead",
        "semicolon_delimiter",
        LEAD_HEADER,
        [_lead("L_SEMI", title="Head of Sales, EMEA")],
        delimiter=";",
    )


def _semicolon_check(build: Build) -> None:
    # Documented outcome: DuckDB's CSV sniffer detects the delimiter per file, so a
    # semicolon file next to comma files lands its columns correctly and is staged.
    rows = build.query(
        "select title, lead_status from staging.stg_salesforce__leads where lead_id = 'L_SEMI'"
    )
    assert rows == [("Head of Sales, EMEA", "open")]


def _quoted_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "salesforce",
        "account",
        "quoted_fields",
        ACCOUNT_HEADER,
        [
            _account("A_QUOTE", name='Acme, Inc.\nEMEA "North"', website="quoted.com"),
            _account("A_QUOTE2", name="Plain", website="quoted2.com"),
        ],
    )


def _quoted_check(build: Build) -> None:
    rows = build.query(
        "select account_id, account_name, account_domain from staging.stg_salesforce__accounts"
        " where account_id like 'A_QUOTE%' order by account_id"
    )
    assert rows == [
        ("A_QUOTE", 'Acme, Inc.\nEMEA "North"', "quoted.com"),
        ("A_QUOTE2", "Plain", "quoted2.com"),
    ]


def _empty_file_damage(root: Path) -> None:
    rf.write_bytes(root, "salesforce", "opportunity", "empty_file.csv", b"")


def _empty_file_check(build: Build) -> None:
    # a 0-byte file next to real files adds no rows and breaks nothing
    assert (
        _scalar(
            build,
            "select count(*) from staging.base_salesforce__opportunities"
            " where _mqx_file like '%/empty_file.csv'",
        )
        == 0
    )
    assert _rows(build, "stg_salesforce__opportunities", "opportunity_id = 'O001'")


def _header_only_damage(root: Path) -> None:
    rf.write_csv(root, "salesforce", "contact", "header_only", CONTACT_HEADER, [])
    # the only file of an optional table: an empty input, not an error
    rf.write_csv(
        root,
        "marketo",
        "activity_fill_out_form",
        "header_only",
        ["id", "lead_id", "activity_date", "primary_attribute_value"],
        [],
    )


def _header_only_check(build: Build) -> None:
    assert _scalar(build, "select count(*) from staging.stg_marketo__form_fills") == 0
    assert (
        _scalar(
            build,
            "select raw_rows from staging.stg_audit__row_reconciliation"
            " where source_table_id = 'marketo.activity_fill_out_form'",
        )
        == 0
    )


def _gzip_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "salesforce",
        "contact",
        "gzipped",
        CONTACT_HEADER,
        [_contact("C_GZ", title="COO")],
        gz=True,
    )


def _gzip_check(build: Build) -> None:
    assert build.query(
        "select title from staging.stg_salesforce__contacts where contact_id = 'C_GZ'"
    ) == [("COO",)]


def _extra_columns_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "salesforce",
        "account",
        "extra_columns",
        [*ACCOUNT_HEADER, "favourite_colour", "Some Custom Field__c"],
        [[*_account("A_EXTRA", website="extra.com"), "teal", "x"]],
    )


def _extra_columns_check(build: Build) -> None:
    assert _rows(build, "stg_salesforce__accounts", "account_id = 'A_EXTRA'")
    columns = {r[0] for r in build.query("describe staging.base_salesforce__accounts")}
    assert not {"favourite_colour", "some_custom_field__c"} & columns


def _missing_optional_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "marketo",
        "lead",
        "missing_optional_columns",
        ["id", "email"],
        [["M_MINCOL", "min@col.com"]],
    )


def _missing_optional_check(build: Build) -> None:
    assert build.query(
        "select email, company_name, created_at from staging.stg_marketo__leads"
        " where marketo_lead_id = 'M_MINCOL'"
    ) == [("min@col.com", None, None)]


def _parquet_types_damage(root: Path) -> None:
    # the same table in two Parquet files whose column types differ: id int64 in one,
    # string in the other; created_date a real TIMESTAMP; is_deleted a real BOOLEAN
    rf.write_parquet(
        root,
        "salesforce",
        "account",
        "parquet_int_ids",
        "select 90001::bigint as id, 'Int Id Co' as name,"
        " timestamp '2024-01-08 07:30:00' as created_date,"
        " 'intid.com' as website, 40::integer as number_of_employees,"
        " false as is_deleted",
    )
    rf.write_parquet(
        root,
        "salesforce",
        "account",
        "parquet_string_ids",
        "select 'A_PQ' as id, 'Str Id Co' as name,"
        " '2024-01-09 07:30:00' as created_date, 'strid.com' as website,"
        " '55' as number_of_employees, 'false' as is_deleted",
    )


def _parquet_types_check(build: Build) -> None:
    rows = build.query(
        "select account_id, account_name, number_of_employees, created_at"
        " from staging.stg_salesforce__accounts where account_id in ('90001', 'A_PQ')"
        " order by account_id"
    )
    assert [r[:3] for r in rows] == [("90001", "Int Id Co", 40), ("A_PQ", "Str Id Co", 55)]
    assert str(rows[0][3]) == "2024-01-08 07:30:00"


def _huge_text_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "salesforce",
        "lead",
        "huge_text",
        LEAD_HEADER,
        [_lead("L_HUGE", title="x" * 1_000_000)],
    )


def _huge_text_check(build: Build) -> None:
    assert (
        _scalar(
            build,
            "select length(title) from staging.stg_salesforce__leads where lead_id = 'L_HUGE'",
        )
        == 1_000_000
    )


# ------------------------------------------------------------- cases: values, set aside


def _bad_timestamp_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "salesforce",
        "account",
        "unparseable_timestamp",
        ACCOUNT_HEADER,
        [_account("A_BADTS", created="31/02/2024 25:61")],
    )


def _bad_timestamp_check(build: Build) -> None:
    reason = _reason(build, "salesforce", "account", "A_BADTS")
    assert "created_date" in reason and "31/02/2024 25:61" in reason
    assert not _rows(build, "stg_salesforce__accounts", "account_id = 'A_BADTS'")


def _future_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "salesforce",
        "contact",
        "future_timestamp",
        CONTACT_HEADER,
        [_contact("C_FUTURE", created="2099-01-01 00:00:00")],
    )


def _future_check(build: Build) -> None:
    reason = _reason(build, "salesforce", "contact", "C_FUTURE")
    assert "created_date" in reason and "future" in reason


def _timestamp_variants_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "salesforce",
        "lead",
        "timestamp_variants",
        LEAD_HEADER,
        [
            _lead("L_TS_UTC", created="2024-03-01 10:00:00 UTC"),
            _lead("L_TS_FRAC", created="2024-03-01 10:00:00.250000"),
            _lead("L_TS_ISO", created="2024-03-01T10:00:00Z"),
            _lead("L_TS_ISOFRAC", created="2024-03-01T10:00:00.250 UTC"),
        ],
    )


def _timestamp_variants_check(build: Build) -> None:
    rows = dict(
        build.query(
            "select lead_id, strftime(created_at, '%Y-%m-%d %H:%M:%S.%f')"
            " from staging.stg_salesforce__leads where lead_id like 'L_TS_%'"
        )
    )
    assert rows == {
        "L_TS_UTC": "2024-03-01 10:00:00.000000",
        "L_TS_FRAC": "2024-03-01 10:00:00.250000",
        "L_TS_ISO": "2024-03-01 10:00:00.000000",
        "L_TS_ISOFRAC": "2024-03-01 10:00:00.250000",
    }


def _null_id_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "salesforce",
        "opportunity",
        "null_ids",
        OPPORTUNITY_HEADER,
        [_opportunity(""), _opportunity("   ")],
    )


def _null_id_check(build: Build) -> None:
    rows = _set_aside_in_file(build, "salesforce", "opportunity", "null_ids.csv")
    assert len(rows) == 2, rows
    assert all("id" in reason for _, reason in rows)


def _amount_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "salesforce",
        "opportunity",
        "bad_amounts",
        OPPORTUNITY_HEADER,
        [
            _opportunity("O_NEG", amount="-500"),
            _opportunity("O_NAN", amount="twelve thousand"),
            _opportunity("O_OK", amount=" 1500.50 "),
            _opportunity("O_NONE", amount=""),
        ],
    )


def _amount_check(build: Build) -> None:
    assert "amount" in _reason(build, "salesforce", "opportunity", "O_NEG")
    assert "negative" in _reason(build, "salesforce", "opportunity", "O_NEG")
    assert "amount" in _reason(build, "salesforce", "opportunity", "O_NAN")
    assert dict(
        build.query(
            "select opportunity_id, amount_usd from staging.stg_salesforce__opportunities"
            " where opportunity_id in ('O_OK', 'O_NONE')"
        )
    ) == {"O_OK": 1500.5, "O_NONE": None}


def _missing_fk_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "salesforce",
        "opportunity",
        "missing_account_id",
        OPPORTUNITY_HEADER,
        [_opportunity("O_NOACC", account_id="")],
    )


def _missing_fk_check(build: Build) -> None:
    assert "account_id" in _reason(build, "salesforce", "opportunity", "O_NOACC")


def _bombora_name_damage(root: Path) -> None:
    # a week file whose name lost its date: the week is unknown
    rf.write_csv(
        root,
        "bombora",
        "surge",
        "MasterSurgeFile_latest",
        BOMBORA_HEADER,
        [
            [
                "Nodate",
                "nodate.com",
                "S",
                "Software",
                "Sales",
                "Sales Engagement",
                "65",
                "LA",
                "Bombora",
                "B1",
            ],
        ],
    )


def _bombora_name_check(build: Build) -> None:
    rows = _set_aside_in_file(build, "bombora", "surge", "MasterSurgeFile_latest.csv")
    assert len(rows) == 1, rows
    assert "week" in rows[0][1] and "MasterSurgeFile_latest.csv" in rows[0][1]
    # the dated files are unaffected
    assert not build.query(
        "select * from staging.stg_bombora__surges where company_domain = 'nodate.com'"
    )


def _g2_no_domain_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "g2",
        "buyer_intent",
        "no_domain",
        G2_HEADER,
        [["2024-02-21", "", "compare", "Nameless", "Quotient"]],
    )


def _g2_no_domain_check(build: Build) -> None:
    rows = _set_aside_in_file(build, "g2", "buyer_intent", "no_domain.csv")
    assert len(rows) == 1 and "company_domain" in rows[0][1], rows


# --------------------------------------------------- cases: values, cleaned or mapped


def _unknown_status_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "salesforce",
        "lead",
        "unknown_status",
        LEAD_HEADER,
        [_lead("L_ZOMBIE", status="Zombie Lead")],
    )


def _unknown_status_check(build: Build) -> None:
    assert build.query(
        "select lead_status, lead_status_raw from staging.stg_salesforce__leads"
        " where lead_id = 'L_ZOMBIE'"
    ) == [("other", "Zombie Lead")]
    # reported: the warning test on the house status lists it
    assert _test_status(build, "accepted_values_stg_salesforce__leads_lead_status") == "warn"


def _unknown_g2_type_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "g2",
        "buyer_intent",
        "unknown_signal_type",
        G2_HEADER,
        [["2024-02-22", "hologram.com", "Hologram_View", "Holo", "Quotient"]],
    )


def _unknown_g2_type_check(build: Build) -> None:
    assert build.query(
        "select signal_type from staging.stg_g2__buyer_intent_signals"
        " where company_domain = 'hologram.com'"
    ) == [("hologram_view",)]
    assert _test_status(build, "accepted_values_stg_g2__buyer_intent_signals_signal_type") == (
        "warn"
    )


def _email_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "salesforce",
        "contact",
        "email_variants",
        CONTACT_HEADER,
        [
            _contact("C_EM_SPACE", email="  Jane. Doe@Example.COM "),
            _contact("C_EM_UPPER", email="JOHN@EXAMPLE.ORG"),
            _contact("C_EM_NODOMAIN", email="jane.doe"),
            _contact("C_EM_NOTLD", email="jane@localhost"),
        ],
    )


def _email_check(build: Build) -> None:
    assert dict(
        build.query(
            "select contact_id, email from staging.stg_salesforce__contacts"
            " where contact_id like 'C_EM_%'"
        )
    ) == {
        "C_EM_SPACE": "jane.doe@example.com",
        "C_EM_UPPER": "john@example.org",
        "C_EM_NODOMAIN": None,
        "C_EM_NOTLD": None,
    }


def _website_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "salesforce",
        "account",
        "website_variants",
        ACCOUNT_HEADER,
        [
            _account("A_WEB_BARE", website="bare-domain.com"),
            _account("A_WEB_URL", website="https://www.url-path.com/about/team?utm=1#top"),
            _account("A_WEB_UPPER", website="WWW.UPPER-CASE.COM"),
            _account("A_WEB_PORT", website="http://port.example.com:8080/"),
        ],
    )


def _website_check(build: Build) -> None:
    assert dict(
        build.query(
            "select account_id, account_domain from staging.stg_salesforce__accounts"
            " where account_id like 'A_WEB_%'"
        )
    ) == {
        "A_WEB_BARE": "bare-domain.com",
        "A_WEB_URL": "url-path.com",
        "A_WEB_UPPER": "upper-case.com",
        "A_WEB_PORT": "port.example.com",
    }


def _booleans_damage(root: Path) -> None:
    spellings = {
        "A_BOOL_TRUE": "true",
        "A_BOOL_UPPER": "TRUE",
        "A_BOOL_ONE": "1",
        "A_BOOL_FALSE": "false",
        "A_BOOL_LOWER": "FALSE",
        "A_BOOL_ZERO": "0",
        "A_BOOL_EMPTY": "",
    }
    rf.write_csv(
        root,
        "salesforce",
        "account",
        "boolean_spellings",
        ACCOUNT_HEADER,
        [_account(i, is_deleted=v) for i, v in spellings.items()],
    )


def _booleans_check(build: Build) -> None:
    outcomes = dict(
        build.query(
            "select account_id, row_outcome from staging.base_salesforce__accounts"
            " where account_id like 'A_BOOL_%'"
        )
    )
    assert outcomes == {
        "A_BOOL_TRUE": "deleted",
        "A_BOOL_UPPER": "deleted",
        "A_BOOL_ONE": "deleted",
        "A_BOOL_FALSE": "staged",
        "A_BOOL_LOWER": "staged",
        "A_BOOL_ZERO": "staged",
        "A_BOOL_EMPTY": "staged",
    }


# ------------------------------------------------- cases: re-syncs, deletes, orphans


def _resync_damage(root: Path) -> None:
    # three copies of one account; the latest sync is neither first nor last in the file
    rf.write_csv(
        root,
        "salesforce",
        "account",
        "resync_conflict",
        ACCOUNT_HEADER,
        [
            _account("A_DUP", name="Old Name", employees="10", synced="2024-03-01 00:00:00"),
            _account("A_DUP", name="Newest Name", employees="30", synced="2024-03-03 00:00:00 UTC"),
            _account("A_DUP", name="Middle Name", employees="20", synced="2024-03-02 00:00:00"),
        ],
    )
    # copies in two files of the same table
    rf.write_csv(
        root,
        "salesforce",
        "lead",
        "resync_file_1",
        LEAD_HEADER,
        [_lead("L_DUP", title="Newer title", synced="2024-03-05 00:00:00")],
    )
    rf.write_csv(
        root,
        "salesforce",
        "lead",
        "resync_file_2",
        LEAD_HEADER,
        [_lead("L_DUP", title="Older title", synced="2024-03-04 00:00:00")],
    )


def _resync_check(build: Build) -> None:
    assert build.query(
        "select account_name, number_of_employees from staging.stg_salesforce__accounts"
        " where account_id = 'A_DUP'"
    ) == [("Newest Name", 30)]
    assert sorted(
        _outcomes(build, "base_salesforce__accounts", "account_id", ["A_DUP"])["A_DUP"]
    ) == ["duplicate", "duplicate", "staged"]
    assert build.query(
        "select title from staging.stg_salesforce__leads where lead_id = 'L_DUP'"
    ) == [("Newer title",)]


def _resync_no_synced_damage(root: Path) -> None:
    # Marketo leads without _fivetran_synced: the latest updated_at wins
    rf.write_csv(
        root,
        "marketo",
        "lead",
        "resync_by_updated_at",
        MARKETO_LEAD_HEADER,
        [
            [
                "M_DUP",
                "new@dup.com",
                "N",
                "D",
                "NewCo",
                "2024-01-01 00:00:00",
                "2024-03-09 00:00:00",
                "",
            ],
            [
                "M_DUP",
                "old@dup.com",
                "O",
                "D",
                "OldCo",
                "2024-01-01 00:00:00",
                "2024-03-01 00:00:00",
                "",
            ],
        ],
    )


def _resync_no_synced_check(build: Build) -> None:
    assert build.query(
        "select email, company_name from staging.stg_marketo__leads where marketo_lead_id = 'M_DUP'"
    ) == [("new@dup.com", "NewCo")]


def _soft_delete_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "salesforce",
        "lead",
        "soft_deletes",
        LEAD_HEADER,
        [
            _lead("L_DEL_SF", is_deleted="true"),
            _lead("L_DEL_FT", fivetran_deleted="TRUE"),
            # live first, deleted in the later sync: the delete wins
            _lead("L_DEL_LATER", synced="2024-03-01 00:00:00"),
            _lead("L_DEL_LATER", is_deleted="1", synced="2024-03-06 00:00:00"),
            # deleted first, restored in the later sync: the restore wins
            _lead("L_UNDELETE", is_deleted="true", synced="2024-03-01 00:00:00"),
            _lead("L_UNDELETE", synced="2024-03-06 00:00:00"),
        ],
    )


def _soft_delete_check(build: Build) -> None:
    staged = {
        r[0]
        for r in build.query(
            "select lead_id from staging.stg_salesforce__leads where lead_id like 'L_%DELETE%'"
            " or lead_id like 'L_DEL_%'"
        )
    }
    assert staged == {"L_UNDELETE"}
    outcomes = _outcomes(
        build, "base_salesforce__leads", "lead_id", ["L_DEL_SF", "L_DEL_FT", "L_DEL_LATER"]
    )
    assert outcomes == {
        "L_DEL_SF": ["deleted"],
        "L_DEL_FT": ["deleted"],
        "L_DEL_LATER": ["duplicate", "deleted"],
    }


def _orphan_contact_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "salesforce",
        "account",
        "deleted_account",
        ACCOUNT_HEADER,
        [_account("A_GONE", name="Gone Co", website="gone.com", is_deleted="true")],
    )
    rf.write_csv(
        root,
        "salesforce",
        "contact",
        "contact_of_deleted_account",
        CONTACT_HEADER,
        [_contact("C_ORPHAN", account_id="A_GONE", email="o@gone.com")],
    )


def _orphan_contact_check(build: Build) -> None:
    assert build.query(
        "select account_id from staging.stg_salesforce__contacts where contact_id = 'C_ORPHAN'"
    ) == [("A_GONE",)]
    assert not _rows(build, "stg_salesforce__accounts", "account_id = 'A_GONE'")
    # the orphan is reported by the contact -> account relationships warning
    assert _test_status(build, "relationships_stg_salesforce__contacts_account_id") == "warn"


def _orphan_activity_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "marketo",
        "activity_open_email",
        "unknown_marketo_lead",
        OPEN_HEADER,
        [["E_ORPHAN", "M_NOBODY", "2024-02-23 11:00:00", "CMP9", "T9", HUMAN_UA]],
    )


def _orphan_activity_check(build: Build) -> None:
    assert build.query(
        "select row_outcome from staging.base_marketo__email_opens where email_open_id = 'E_ORPHAN'"
    ) == [("staged",)]
    assert build.query(
        "select marketo_lead_id from staging.stg_marketo__email_opens"
        " where email_open_id = 'E_ORPHAN'"
    ) == [("M_NOBODY",)]
    assert _test_status(build, "relationships_stg_marketo__email_opens_marketo_lead_id") == ("warn")


# ------------------------------------------------------------ more value cases


def _amount_special_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "salesforce",
        "opportunity",
        "amount_special_values",
        OPPORTUNITY_HEADER,
        [
            _opportunity("O_NANTEXT", amount="NaN"),
            _opportunity("O_INFINITY", amount="Infinity"),
            _opportunity("O_THOUSANDS", amount="1,000"),
            _opportunity("O_CURRENCY", amount="$100"),
        ],
    )


def _amount_special_check(build: Build) -> None:
    # none of these is a usable USD amount: each must be set aside naming the amount
    staged = dict(
        build.query(
            "select opportunity_id, amount_usd from staging.stg_salesforce__opportunities"
            " where opportunity_id in ('O_NANTEXT', 'O_INFINITY', 'O_THOUSANDS', 'O_CURRENCY')"
        )
    )
    assert not staged, f"staged with a non-number amount: {staged}"
    for raw_id in ("O_NANTEXT", "O_INFINITY", "O_THOUSANDS", "O_CURRENCY"):
        assert "amount" in _reason(build, "salesforce", "opportunity", raw_id)


def _other_dates_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "salesforce",
        "opportunity",
        "unparseable_close_date",
        OPPORTUNITY_HEADER,
        [[*_opportunity("O_BADCLOSE")[:8], "next quarter", *_opportunity("O_BADCLOSE")[9:]]],
    )
    rf.write_csv(
        root,
        "marketo",
        "activity_open_email",
        "unparseable_activity_date",
        OPEN_HEADER,
        [["E_BADTS", "M001", "2024-13-45 09:00", "CMP1", "T1", HUMAN_UA]],
    )
    rf.write_csv(
        root,
        "g2",
        "buyer_intent",
        "unparseable_day",
        G2_HEADER,
        [["yesterday", "baddays.com", "pricing", "Bad Days", "Quotient"]],
    )
    rf.write_csv(
        root,
        "salesforce",
        "contact",
        "blank_created_date",
        CONTACT_HEADER,
        [_contact("C_NODATE", created="  ")],
    )


def _other_dates_check(build: Build) -> None:
    assert "close_date" in _reason(build, "salesforce", "opportunity", "O_BADCLOSE")
    assert "activity_date" in _reason(build, "marketo", "activity_open_email", "E_BADTS")
    g2 = _set_aside_in_file(build, "g2", "buyer_intent", "unparseable_day.csv")
    assert len(g2) == 1 and "day" in g2[0][1], g2
    assert "created_date" in _reason(build, "salesforce", "contact", "C_NODATE")


def _bombora_scores_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "bombora",
        "surge",
        "MasterSurgeFile_20240226_1",
        BOMBORA_HEADER,
        [
            [
                "Big",
                "bigscore.com",
                "M",
                "Software",
                "Sales",
                "Sales Engagement",
                "150",
                "",
                "",
                "",
            ],
            [
                "Word",
                "wordscore.com",
                "M",
                "Software",
                "Sales",
                "Sales Engagement",
                "high",
                "",
                "",
                "",
            ],
        ],
    )


def _bombora_scores_check(build: Build) -> None:
    rows = _set_aside_in_file(build, "bombora", "surge", "MasterSurgeFile_20240226_1.csv")
    assert len(rows) == 2 and all("composite_score" in r[1] for r in rows), rows


def _bombora_redelivery_damage(root: Path) -> None:
    # the base week delivered again in a second file: the later file wins
    rf.write_csv(
        root,
        "bombora",
        "surge",
        "MasterSurgeFile_20240219_2",
        BOMBORA_HEADER,
        [
            [
                "Acme",
                "ACME.com",
                "M",
                "Software",
                "Sales",
                "Sales Engagement",
                "80",
                "NYC",
                "Bombora",
                "B1",
            ],
        ],
    )


def _bombora_redelivery_check(build: Build) -> None:
    assert build.query(
        "select week_start_date::varchar, composite_score from staging.stg_bombora__surges"
        " where company_domain = 'acme.com'"
    ) == [("2024-02-19", 80)]
    assert build.query(
        "select row_outcome from staging.base_bombora__surges"
        " where company_domain = 'acme.com' order by _mqx_row_number"
    ) == [("duplicate",), ("staged",)]


def _padded_id_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "salesforce",
        "account",
        "padded_and_nameless",
        ACCOUNT_HEADER,
        [
            _account("  A_PAD  ", name="  Padded Co  ", website=" padded.com "),
            _account("A_NONAME", name=" "),
            _account("A_EMPLOYEES", employees="about 50", website="employees.com"),
        ],
    )


def _padded_id_check(build: Build) -> None:
    assert build.query(
        "select account_name, account_domain from staging.stg_salesforce__accounts"
        " where account_id = 'A_PAD'"
    ) == [("Padded Co", "padded.com")]
    assert "name" in _reason(build, "salesforce", "account", "A_NONAME")
    # an optional attribute that is not a number is cleaned to NULL; the row stays
    assert build.query(
        "select number_of_employees from staging.stg_salesforce__accounts"
        " where account_id = 'A_EMPLOYEES'"
    ) == [(None,)]


def _last_read_wins_damage(root: Path) -> None:
    header = [c for c in CONTACT_HEADER if c != "_fivetran_synced"]
    rf.write_csv(
        root,
        "salesforce",
        "contact",
        "resync_without_synced_column",
        header,
        [
            _contact("C_LASTREAD", title="First copy")[:-1],
            _contact("C_LASTREAD", title="Last copy")[:-1],
        ],
    )


def _last_read_wins_check(build: Build) -> None:
    assert build.query(
        "select title from staging.stg_salesforce__contacts where contact_id = 'C_LASTREAD'"
    ) == [("Last copy",)]


SPEND_HEADER = ["spend_date", "channel", "amount_usd", "campaign_name"]


def _spend_amounts_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "marketing",
        "spend",
        "spend_amounts",
        SPEND_HEADER,
        [
            ["2024-02-01", "paid_search", "1200.00", "ok"],
            ["2024-02-01", "paid_search", "-40", "negative"],
            ["2024-02-01", "paid_social", "NaN", "not a number"],
            ["2024-02-01", "events", "lots", "text"],
        ],
    )


def _spend_amounts_check(build: Build) -> None:
    reasons = dict(
        build.query(
            "select split_part(raw_id, '|', 4), set_aside_reason"
            " from staging.stg_audit__rows_set_aside where source_table = 'spend'"
        )
    )
    assert build.query(
        "select amount_usd from staging.stg_marketing__spend where campaign_name = 'ok'"
    ) == [(1200.0,)]
    for name in ("negative", "not a number", "text"):
        assert "amount_usd" in reasons.get(name, ""), f"{name!r}: {reasons}"


def _located_damage(root: Path) -> None:
    """A bad row third in a CSV file and second in a Parquet file of the same table."""
    rf.write_csv(
        root,
        "marketing",
        "spend",
        "spend_located",
        SPEND_HEADER,
        [
            ["2024-03-01", "events", "10", "located csv 1"],
            ["2024-03-01", "events", "11", "located csv 2"],
            ["2024-03-01", "events", "-3", "located csv 3"],
            ["2024-03-01", "events", "12", "located csv 4"],
        ],
    )
    rf.write_parquet(
        root,
        "marketing",
        "spend",
        "spend_located",
        "select * from (values ('2024-03-02', 'events', '20', 'located parquet 1'),"
        " ('2024-03-02', 'events', 'lots', 'located parquet 2'),"
        " ('2024-03-02', 'events', '21', 'located parquet 3'))"
        " as rows (spend_date, channel, amount_usd, campaign_name)",
    )


def _located_check(build: Build) -> None:
    """The audit names the file and the row's number in it (from 1, after the header)."""
    located = build.query(
        "select split_part(raw_id, '|', 4), regexp_extract(source_file, '[^/]+$'),"
        " source_row_number from staging.stg_audit__rows_set_aside"
        " where source_table = 'spend' and raw_id like '%|located %'"
        " order by source_row_number"
    )
    assert located == [
        ("located parquet 2", "spend_located.parquet", 2),
        ("located csv 3", "spend_located.csv", 3),
    ], located


# ------------------------------------------- cases: offsets, header spellings, flags


def _utc_offset_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "salesforce",
        "lead",
        "utc_offsets",
        LEAD_HEADER,
        [
            _lead("L_OFF_PLUS", created="2024-03-01T10:00:00+02:00"),
            _lead("L_OFF_MINUS", created="2024-03-01T10:00:00-05:00"),
            _lead("L_OFF_NEXTDAY", created="2024-03-01 23:30:00-05:00"),
            _lead("L_OFF_COMPACT", created="2024-03-01T10:00:00.250+0530"),
            _lead("L_OFF_ZERO", created="2024-03-01 10:00:00+00"),
            _lead("L_OFF_Z", created="2024-03-01T10:00:00Z"),
            _lead("L_OFF_ZONE", created="2024-03-01 10:00:00 PST"),
        ],
    )
    # which re-sync copy is the latest must be judged in UTC: read naively, 10:00+02:00
    # (08:00 UTC) would beat 09:00 UTC
    rf.write_csv(
        root,
        "salesforce",
        "account",
        "utc_offset_resync",
        ACCOUNT_HEADER,
        [
            _account("A_OFF", name="Later in UTC", synced="2024-03-05 09:00:00"),
            _account("A_OFF", name="Earlier in UTC", synced="2024-03-05T10:00:00+02:00"),
        ],
    )


def _utc_offset_check(build: Build) -> None:
    rows = dict(
        build.query(
            "select lead_id, strftime(created_at, '%Y-%m-%d %H:%M:%S.%f')"
            " from staging.stg_salesforce__leads where lead_id like 'L_OFF_%'"
        )
    )
    assert rows == {
        "L_OFF_PLUS": "2024-03-01 08:00:00.000000",
        "L_OFF_MINUS": "2024-03-01 15:00:00.000000",
        "L_OFF_NEXTDAY": "2024-03-02 04:30:00.000000",
        "L_OFF_COMPACT": "2024-03-01 04:30:00.250000",
        "L_OFF_ZERO": "2024-03-01 10:00:00.000000",
        "L_OFF_Z": "2024-03-01 10:00:00.000000",
    }, rows
    # a zone name is not in the contract (all timestamps are UTC): set aside, not guessed
    reason = _reason(build, "salesforce", "lead", "L_OFF_ZONE")
    assert "created_date" in reason and "PST" in reason, reason
    assert build.query(
        "select account_name from staging.stg_salesforce__accounts where account_id = 'A_OFF'"
    ) == [("Later in UTC",)]


# the same contact columns, spelled as other exports spell them
SPACED_CONTACT_HEADER = [
    "Id",
    "Created Date",
    "Account ID",
    "Email",
    "First Name",
    "Last Name",
    "Title",
    "Lead Source",
    "Is Deleted",
    "_fivetran_synced",
]
CAMEL_CONTACT_HEADER = [
    "ID",
    "CreatedDate",
    "AccountId",
    "Email",
    "FirstName",
    "LastName",
    "Title",
    "LeadSource",
    "IsDeleted",
    "_fivetran_synced",
]


def _header_spellings_damage(root: Path) -> None:
    rf.write_csv(
        root,
        "salesforce",
        "contact",
        "header_spaced",
        SPACED_CONTACT_HEADER,
        [
            _contact("C_HDR_SPACE1", created="2024-01-20 10:00:00", title="Spaced"),
            _contact("C_HDR_SPACE2", created="2024-01-21 10:00:00", is_deleted="true"),
        ],
    )
    rf.write_csv(
        root,
        "salesforce",
        "contact",
        "header_camel",
        CAMEL_CONTACT_HEADER,
        [_contact("C_HDR_CAMEL", account_id="A002", created="2024-01-22 10:00:00", title="Camel")],
    )
    rf.write_csv(
        root,
        "marketo",
        "lead",
        "header_camel",
        ["Id", "Email", "FirstName", "LastName", "Company", "CreatedAt", "UpdatedAt", "SFDCLeadId"],
        [["M_HDR", "hdr@acme.com", "H", "D", "Acme", "2024-02-01 08:00:00", "", "L001"]],
    )


def _header_spellings_check(build: Build) -> None:
    rows = build.query(
        "select contact_id, account_id, title, strftime(created_at, '%Y-%m-%d %H:%M')"
        " from staging.stg_salesforce__contacts where contact_id like 'C_HDR_%'"
        " order by contact_id"
    )
    assert rows == [
        ("C_HDR_CAMEL", "A002", "Camel", "2024-01-22 10:00"),
        ("C_HDR_SPACE1", "A001", "Spaced", "2024-01-20 10:00"),
    ], rows
    assert _outcomes(build, "base_salesforce__contacts", "contact_id", ["C_HDR_SPACE2"]) == {
        "C_HDR_SPACE2": ["deleted"]
    }
    # every row of every file of the table landed, whatever its header said
    landed = dict(
        build.query(
            "select regexp_extract(_mqx_file, '[^/]+$'), count(*)"
            " from staging.base_salesforce__contacts group by all"
        )
    )
    assert landed.get("header_spaced.csv") == 2 and landed.get("header_camel.csv") == 1, landed
    assert landed.get("base.csv") == 3, landed
    assert not build.query(
        "select raw_id, set_aside_reason from staging.stg_audit__rows_set_aside"
        " where source_table = 'contact' and source_file like '%/header_%'"
    )
    assert build.query(
        "select email, sfdc_lead_id from staging.stg_marketo__leads where marketo_lead_id = 'M_HDR'"
    ) == [("hdr@acme.com", "L001")]


def _delete_flag_damage(root: Path) -> None:
    spellings = {
        "A_DEL_YES": "yes",
        "A_DEL_Y": "Y",
        "A_DEL_ONE": "1",
        "A_DEL_PADDED": " TRUE ",
        "A_DEL_NO": "no",
        "A_DEL_N": "N",
        "A_DEL_ZERO": "0",
        "A_DEL_WORD": "deleted",
        "A_DEL_TWO": "2",
        "A_DEL_JUNK": "#N/A",
    }
    rf.write_csv(
        root,
        "salesforce",
        "account",
        "delete_flag_spellings",
        ACCOUNT_HEADER,
        [_account(i, is_deleted=v) for i, v in spellings.items()],
    )
    rf.write_csv(
        root,
        "salesforce",
        "lead",
        "fivetran_delete_flag_spellings",
        LEAD_HEADER,
        [_lead("L_FTDEL_JUNK", fivetran_deleted="maybe")],
    )


def _delete_flag_check(build: Build) -> None:
    outcomes = dict(
        build.query(
            "select account_id, row_outcome from staging.base_salesforce__accounts"
            " where account_id like 'A_DEL_%'"
        )
    )
    assert outcomes == {
        "A_DEL_YES": "deleted",
        "A_DEL_Y": "deleted",
        "A_DEL_ONE": "deleted",
        "A_DEL_PADDED": "deleted",
        "A_DEL_NO": "staged",
        "A_DEL_N": "staged",
        "A_DEL_ZERO": "staged",
        "A_DEL_WORD": "set_aside",
        "A_DEL_TWO": "set_aside",
        "A_DEL_JUNK": "set_aside",
    }, outcomes
    for raw_id, value in (("A_DEL_WORD", "deleted"), ("A_DEL_TWO", "2"), ("A_DEL_JUNK", "#N/A")):
        reason = _reason(build, "salesforce", "account", raw_id)
        assert "is_deleted" in reason and reason.endswith(value), reason
    reason = _reason(build, "salesforce", "lead", "L_FTDEL_JUNK")
    assert "_fivetran_deleted" in reason and "maybe" in reason, reason


STAGED_CASES: list[StagedCase] = [
    StagedCase("utf8_bom_header", "cleaned: BOM stripped, row staged", _bom_damage, _bom_check),
    StagedCase(
        "crlf_line_endings", "cleaned: no stray \\r, rows staged", _crlf_damage, _crlf_check
    ),
    StagedCase(
        "semicolon_delimiter",
        "documented: delimiter sniffed per file, row staged",
        _semicolon_damage,
        _semicolon_check,
    ),
    StagedCase(
        "quoted_commas_and_newlines", "cleaned: value kept whole", _quoted_damage, _quoted_check
    ),
    StagedCase(
        "empty_file_next_to_others",
        "empty input: no rows, no error",
        _empty_file_damage,
        _empty_file_check,
    ),
    StagedCase(
        "header_only_file",
        "empty input: no rows, no error",
        _header_only_damage,
        _header_only_check,
    ),
    StagedCase("gzipped_csv", "cleaned: read like a CSV", _gzip_damage, _gzip_check),
    StagedCase("extra_unknown_columns", "ignored", _extra_columns_damage, _extra_columns_check),
    StagedCase(
        "missing_optional_columns",
        "NULLs, row staged",
        _missing_optional_damage,
        _missing_optional_check,
    ),
    StagedCase(
        "parquet_column_types_differ",
        "cleaned: both files staged",
        _parquet_types_damage,
        _parquet_types_check,
    ),
    StagedCase("huge_text_field_1mb", "staged whole", _huge_text_damage, _huge_text_check),
    StagedCase(
        "unparseable_timestamp",
        "set aside: created_date",
        _bad_timestamp_damage,
        _bad_timestamp_check,
    ),
    StagedCase(
        "timestamp_in_the_future",
        "set aside: created_date in the future",
        _future_damage,
        _future_check,
    ),
    StagedCase(
        "timestamp_variants_utc_fraction_iso",
        "cleaned: parsed",
        _timestamp_variants_damage,
        _timestamp_variants_check,
    ),
    StagedCase("null_and_blank_ids", "set aside: missing id", _null_id_damage, _null_id_check),
    StagedCase(
        "negative_and_non_numeric_amounts", "set aside: amount", _amount_damage, _amount_check
    ),
    StagedCase(
        "opportunity_without_account_id",
        "set aside: account_id",
        _missing_fk_damage,
        _missing_fk_check,
    ),
    StagedCase(
        "bombora_file_without_week_date",
        "set aside: week date",
        _bombora_name_damage,
        _bombora_name_check,
    ),
    StagedCase(
        "g2_row_without_domain",
        "set aside: company_domain",
        _g2_no_domain_damage,
        _g2_no_domain_check,
    ),
    StagedCase(
        "unknown_lead_status",
        "mapped to 'other', warning test reports it",
        _unknown_status_damage,
        _unknown_status_check,
    ),
    StagedCase(
        "unknown_g2_signal_type",
        "staged, warning test reports it",
        _unknown_g2_type_damage,
        _unknown_g2_type_check,
    ),
    StagedCase(
        "email_spaces_uppercase_no_domain",
        "cleaned (bad ones NULL, row staged)",
        _email_damage,
        _email_check,
    ),
    StagedCase(
        "website_bare_url_www_upper", "cleaned to bare domain", _website_damage, _website_check
    ),
    StagedCase("mixed_boolean_spellings", "parsed", _booleans_damage, _booleans_check),
    StagedCase(
        "resync_conflicting_values", "latest _fivetran_synced wins", _resync_damage, _resync_check
    ),
    StagedCase(
        "resync_without_fivetran_synced",
        "latest updated_at wins",
        _resync_no_synced_damage,
        _resync_no_synced_check,
    ),
    StagedCase("soft_deletes", "deleted, never staged", _soft_delete_damage, _soft_delete_check),
    StagedCase(
        "contact_of_deleted_account",
        "contact staged, account gone, warning",
        _orphan_contact_damage,
        _orphan_contact_check,
    ),
    StagedCase(
        "activity_of_unknown_marketo_lead",
        "staged, warning",
        _orphan_activity_damage,
        _orphan_activity_check,
    ),
    StagedCase(
        "amount_nan_infinity_thousands_currency",
        "set aside: amount",
        _amount_special_damage,
        _amount_special_check,
    ),
    StagedCase(
        "unparseable_close_activity_day_blank_dates",
        "set aside: the date column",
        _other_dates_damage,
        _other_dates_check,
    ),
    StagedCase(
        "bombora_score_out_of_range_or_text",
        "set aside: composite_score",
        _bombora_scores_damage,
        _bombora_scores_check,
    ),
    StagedCase(
        "bombora_week_redelivered",
        "later file wins, earlier is a duplicate",
        _bombora_redelivery_damage,
        _bombora_redelivery_check,
    ),
    StagedCase(
        "padded_id_blank_name_text_employees",
        "trimmed / set aside: name / employees NULL",
        _padded_id_damage,
        _padded_id_check,
    ),
    StagedCase(
        "resync_without_synced_column",
        "last copy read wins",
        _last_read_wins_damage,
        _last_read_wins_check,
    ),
    StagedCase(
        "spend_negative_nan_text_amounts",
        "set aside: amount_usd",
        _spend_amounts_damage,
        _spend_amounts_check,
    ),
    StagedCase(
        "set_aside_row_located",
        "set aside; the audit names its file and its row in the file",
        _located_damage,
        _located_check,
    ),
    StagedCase(
        "timestamp_utc_offsets",
        "converted to UTC; a zone name is set aside",
        _utc_offset_damage,
        _utc_offset_check,
    ),
    StagedCase(
        "header_spellings_differ_between_files",
        "each file read by its own header, every row lands",
        _header_spellings_damage,
        _header_spellings_check,
    ),
    StagedCase(
        "is_deleted_spellings",
        "known spellings mapped; others set aside naming the column and value",
        _delete_flag_damage,
        _delete_flag_check,
    ),
]


# ------------------------------------------------------------------ failure cases


def _remove_account_folder(root: Path) -> None:
    for path in (root / "salesforce" / "account").iterdir():
        path.unlink()
    (root / "salesforce" / "account").rmdir()


def _contact_without_created_date(root: Path) -> None:
    for path in (root / "salesforce" / "contact").iterdir():
        path.unlink()
    header = [c for c in CONTACT_HEADER if c != "created_date"]
    rf.write_csv(
        root,
        "salesforce",
        "contact",
        "no_created_date",
        header,
        [["C1", "A001", "a@acme.com", "A", "B", "VP", "Web", "false", SYNCED]],
    )


def _open_without_lead_id(root: Path) -> None:
    rf.write_csv(
        root,
        "marketo",
        "activity_open_email",
        "no_lead_id",
        ["id", "activity_date", "campaign_id"],
        [["E9", "2024-02-20 09:00:00", "CMP1"]],
    )
    (root / "marketo" / "activity_open_email" / "base.csv").unlink()


def _account_only_empty_file(root: Path) -> None:
    (root / "salesforce" / "account" / "base.csv").unlink()
    rf.write_bytes(root, "salesforce", "account", "account.csv", b"")


def _g2_without_signal_type(root: Path) -> None:
    (root / "g2" / "buyer_intent" / "base.csv").unlink()
    rf.write_csv(
        root,
        "g2",
        "buyer_intent",
        "no_signal_type",
        ["day", "company_domain"],
        [["2024-02-20", "acme.com"]],
    )


def _bombora_without_topic(root: Path) -> None:
    (root / "bombora" / "surge" / "MasterSurgeFile_20240219_1.csv").unlink()
    header = [c for c in BOMBORA_HEADER if c != "Topic"]
    rf.write_csv(
        root,
        "bombora",
        "surge",
        "MasterSurgeFile_20240219_1",
        header,
        [["Acme", "acme.com", "M", "Software", "Sales", "72", "", "", ""]],
    )


def _contact_with_two_spellings_of_one_column(root: Path) -> None:
    # one file carrying created_date twice, under two headers, both filled
    rf.write_csv(
        root,
        "salesforce",
        "contact",
        "two_spellings",
        [*CONTACT_HEADER, "CreatedDate"],
        [[*_contact("C_TWICE"), "2024-01-11 10:00:00"]],
    )


FAILURE_CASES: list[FailureCase] = [
    FailureCase(
        "missing_required_table",
        "build fails: salesforce.account has no files; land one or fix raw_root",
        _remove_account_folder,
        ("salesforce.account", "no files", "raw_root"),
    ),
    FailureCase(
        "missing_required_column",
        "build fails: salesforce.contact is missing created_date; add or rename it",
        _contact_without_created_date,
        ("salesforce.contact", "created_date", "Add the column"),
    ),
    FailureCase(
        "missing_required_column_optional_table",
        "build fails: marketo.activity_open_email is missing lead_id",
        _open_without_lead_id,
        ("marketo.activity_open_email", "lead_id", "Add the column"),
    ),
    FailureCase(
        "missing_required_column_g2",
        "build fails: g2.buyer_intent is missing signal_type",
        _g2_without_signal_type,
        ("g2.buyer_intent", "signal_type", "Add the column"),
    ),
    FailureCase(
        "bombora_file_without_topic_column",
        "build fails: bombora.surge is missing topic",
        _bombora_without_topic,
        ("bombora.surge", "'topic'", "Add the column"),
    ),
    FailureCase(
        "required_table_only_an_empty_file",
        "build fails: salesforce.account has no data (0-byte file)",
        _account_only_empty_file,
        ("salesforce.account", "account.csv"),
    ),
    FailureCase(
        "one_file_two_spellings_of_a_column",
        "build fails: salesforce.contact file two_spellings.csv has created_date twice",
        _contact_with_two_spellings_of_one_column,
        ("salesforce.contact", "two_spellings.csv", "'created_date'", "CreatedDate", "Keep one"),
        select="base_salesforce__contacts",
    ),
]
