"""Staging accepts Fivetran's real integration-test seeds unchanged: ~380-column tables,
hashed values, BOM headers, a header-only lead table, and contract tables that are
absent altogether."""

from __future__ import annotations

import csv

import pytest
from conftest import FIVETRAN_FILES, FIVETRAN_FIXTURES
from dbt_harness import Build, run_dbt


@pytest.fixture(scope="module")
def fivetran_build(fivetran_raw_root, tmp_path_factory) -> Build:
    return run_dbt(["build"], fivetran_raw_root, tmp_path_factory.mktemp("fivetran_build"))


def test_build_succeeds_on_the_unchanged_seeds(fivetran_build):
    assert fivetran_build.success, fivetran_build.error or fivetran_build.failures()


def test_every_seed_row_is_accounted_for(fivetran_build):
    """raw rows in each file = staged + set aside + deleted + duplicate re-syncs."""
    reconciliation = {
        row[0]: row[1:]
        for row in fivetran_build.query(
            "select source_table_id, raw_rows, staged_rows + set_aside_rows + deleted_rows"
            " + duplicate_rows from staging.stg_audit__row_reconciliation"
        )
    }
    for relative, (source, table) in FIVETRAN_FILES.items():
        with open(FIVETRAN_FIXTURES / relative, encoding="utf-8-sig", newline="") as handle:
            file_rows = sum(1 for _ in csv.DictReader(handle))
        raw_rows, accounted = reconciliation[f"{source}.{table}"]
        assert raw_rows == file_rows, f"{source}.{table}: landed {raw_rows} of {file_rows}"
        assert accounted == raw_rows, f"{source}.{table}: {accounted} of {raw_rows} accounted"


def test_absent_tables_are_empty_not_errors(fivetran_build):
    assert fivetran_build.scalar("select count(*) from staging.stg_bombora__surges") == 0
    assert fivetran_build.scalar("select count(*) from staging.stg_g2__buyer_intent_signals") == 0


def test_bom_header_is_read_as_its_column(fivetran_build):
    """The Marketo activity seeds start with a UTF-8 BOM before `activity_date`."""
    parsed = fivetran_build.scalar(
        "select count(*) from staging.base_marketo__email_sends where sent_at is not null"
    )
    assert parsed > 0
