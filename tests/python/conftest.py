"""Shared fixtures: a small generated world built once per session, and the real
Fivetran integration-test seeds landed into a raw root of their own."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from dbt_harness import REPO, Build, run_dbt

FIVETRAN_FIXTURES = Path(
    os.environ.get("MQX_FIVETRAN_FIXTURES", REPO.parent / "shared" / "fixtures" / "fivetran")
)

# Fivetran seed file -> (source, contract table)
FIVETRAN_FILES = {
    "salesforce/sf_account_data.csv": ("salesforce", "account"),
    "salesforce/sf_contact_data.csv": ("salesforce", "contact"),
    "salesforce/sf_lead_data.csv": ("salesforce", "lead"),
    "salesforce/sf_opportunity_data.csv": ("salesforce", "opportunity"),
    "salesforce/sf_task_data.csv": ("salesforce", "task"),
    "salesforce/sf_event_data.csv": ("salesforce", "event"),
    "salesforce/sf_campaign_data.csv": ("salesforce", "campaign"),
    "salesforce/sf_campaign_member_data.csv": ("salesforce", "campaign_member"),
    "marketo/marketo_lead_data.csv": ("marketo", "lead"),
    "marketo/marketo_activity_send_email_data.csv": ("marketo", "activity_send_email"),
    "marketo/marketo_activity_email_delivered_data.csv": (
        "marketo",
        "activity_email_delivered",
    ),
    "marketo/marketo_activity_open_email_data.csv": ("marketo", "activity_open_email"),
    "marketo/marketo_activity_click_email_data.csv": ("marketo", "activity_click_email"),
}

SMALL_WORLD_ACCOUNTS = 200
SMALL_WORLD_SEED = 11


@pytest.fixture(scope="session")
def small_world(tmp_path_factory) -> Path:
    """A 200-account generated world: returns its folder (raw/ and truth/ inside)."""
    from mqx.world import WorldConfig, generate

    root = tmp_path_factory.mktemp("small_world")
    generate(
        WorldConfig(
            accounts=SMALL_WORLD_ACCOUNTS,
            seed=SMALL_WORLD_SEED,
            out=root / "raw",
            truth=root / "truth",
            quiet=True,
        )
    )
    return root


@pytest.fixture(scope="session")
def small_world_build(small_world, tmp_path_factory) -> Build:
    """`dbt build` of the whole project on the small world."""
    build = run_dbt(["build"], small_world / "raw", tmp_path_factory.mktemp("small_build"))
    assert build.success, f"dbt build failed: {build.error or build.failures()}"
    return build


@pytest.fixture(scope="session")
def fivetran_raw_root(tmp_path_factory) -> Path:
    """The real Fivetran seeds, unchanged, in the landing contract's folder layout."""
    if not FIVETRAN_FIXTURES.is_dir():
        pytest.skip(
            f"Fivetran fixtures not found at {FIVETRAN_FIXTURES} "
            "(set MQX_FIVETRAN_FIXTURES to their folder)"
        )
    root = tmp_path_factory.mktemp("fivetran_raw")
    for relative, (source, table) in FIVETRAN_FILES.items():
        folder = root / source / table
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FIVETRAN_FIXTURES / relative, folder / Path(relative).name)
    return root
