"""Staging measured against the generator's truth.

The small world (conftest ``small_world``) records every row it dirtied in
``truth/dirty_rows`` with what staging must do with it; ``build`` is a full
``dbt build`` on that world. These tests check, table by table, that staging did exactly
that: every raw row is accounted for, every recorded dirty row got its expected outcome,
and no row was set aside without the truth saying it was bad.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from dbt_harness import REPO

BASE_MODELS_MACRO = REPO / "macros" / "staging" / "mqx_base_models.sql"
ENTRY = re.compile(
    r"'source':\s*'(?P<source>\w+)',\s*'table':\s*'(?P<table>\w+)',\s*"
    r"'model':\s*'(?P<model>\w+)',\s*'stg':\s*'(?P<stg>\w+)'"
)
# where staging keeps the normalised email of a table whose raw emails the world messed up
EMAIL_STG = {
    ("salesforce", "contact"): "stg_salesforce__contacts",
    ("salesforce", "lead"): "stg_salesforce__leads",
    ("marketo", "lead"): "stg_marketo__leads",
}
TRUE_SPELLINGS = {"true", "1"}


def _base_models() -> dict[tuple[str, str], dict[str, str]]:
    """Contract table -> base_ and stg_ model, read from the staging layer's own map."""
    found = {
        (m["source"], m["table"]): {"model": m["model"], "stg": m["stg"]}
        for m in ENTRY.finditer(BASE_MODELS_MACRO.read_text())
    }
    assert found, f"no base models found in {BASE_MODELS_MACRO}"
    return found


BASE = _base_models()


def _sql_list(values) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


@pytest.fixture(scope="module")
def build(small_world_build):
    """The session's build of the small world."""
    return small_world_build


@pytest.fixture(scope="module")
def truth(small_world: Path) -> dict:
    folder = small_world / "truth"
    return {
        "manifest": json.loads((folder / "manifest.json").read_text()),
        "dirty": pd.read_parquet(folder / "dirty_rows.parquet"),
        "hand_raises": pd.read_parquet(folder / "hand_raises.parquet"),
    }


@pytest.fixture(scope="module")
def reconciliation(build) -> pd.DataFrame:
    rows = build.query(
        "select source_name, source_table, raw_rows, staged_rows, set_aside_rows, "
        "deleted_rows, duplicate_rows from staging.stg_audit__row_reconciliation"
    )
    columns = ["source", "table", "raw", "staged", "set_aside", "deleted", "duplicate"]
    return pd.DataFrame(rows, columns=columns).set_index(["source", "table"])


def _dirty(truth: dict, source: str, table: str, outcome: str) -> pd.DataFrame:
    d = truth["dirty"]
    return d[
        (d["source"] == source) & (d["table_name"] == table) & (d["expected_outcome"] == outcome)
    ]


def _outcomes(build, source: str, table: str, raw_ids) -> pd.DataFrame:
    """Every copy of the given raw ids in the table's base model, with its outcome."""
    ids = list(raw_ids)
    if not ids:
        return pd.DataFrame(columns=["raw_id", "row_outcome"])
    model = BASE[(source, table)]["model"]
    rows = build.query(
        f"select cast(raw_id as varchar), row_outcome from staging.{model} "
        f"where cast(raw_id as varchar) in ({_sql_list(ids)})"
    )
    return pd.DataFrame(rows, columns=["raw_id", "row_outcome"])


def test_every_contract_table_has_a_base_model(truth) -> None:
    written = set(truth["manifest"]["raw_row_counts"])
    mapped = {f"{s}.{t}" for s, t in BASE}
    assert written == mapped


def test_raw_rows_reconcile_with_what_the_world_wrote(truth, reconciliation) -> None:
    problems = []
    for name, written in sorted(truth["manifest"]["raw_row_counts"].items()):
        source, table = name.split(".")
        if (source, table) not in reconciliation.index:
            problems.append(f"{name}: missing from stg_audit__row_reconciliation")
            continue
        r = reconciliation.loc[(source, table)]
        if r["raw"] != written:
            problems.append(f"{name}: raw_rows {r['raw']} but the world wrote {written}")
        parts = r["staged"] + r["set_aside"] + r["deleted"] + r["duplicate"]
        if parts != r["raw"]:
            problems.append(f"{name}: staged+set_aside+deleted+duplicate {parts} != {r['raw']}")
    assert not problems, "\n".join(problems)


def test_outcome_counts_match_the_truth(truth, reconciliation) -> None:
    """No unexplained set-asides, deletes or duplicates: each count is the truth's."""
    problems = []
    for source, table in BASE:
        r = reconciliation.loc[(source, table)]
        set_aside = len(_dirty(truth, source, table, "set_aside"))
        deleted = _dirty(truth, source, table, "deleted")["raw_id"].nunique()
        duplicate = len(_dirty(truth, source, table, "duplicate"))
        for label, want, got in (
            ("set_aside", set_aside, r["set_aside"]),
            ("deleted", deleted, r["deleted"]),
            ("duplicate", duplicate, r["duplicate"]),
        ):
            if want != got:
                problems.append(f"{source}.{table}: {label} rows {got}, truth says {want}")
    assert not problems, "\n".join(problems)


def test_set_aside_rows_are_the_truths_bad_rows_with_reasons(truth, build) -> None:
    aside = pd.DataFrame(
        build.query(
            "select source_name, source_table, raw_id, set_aside_reason "
            "from staging.stg_audit__rows_set_aside"
        ),
        columns=["source", "table", "raw_id", "reason"],
    )
    assert aside["reason"].notna().all() and (aside["reason"].str.len() > 0).all()
    problems = []
    for (source, table), _ in BASE.items():
        want = _dirty(truth, source, table, "set_aside")
        got = aside[(aside["source"] == source) & (aside["table"] == table)]
        want_ids = set(want["raw_id"].dropna())
        got_ids = set(got["raw_id"].dropna())
        if want_ids - got_ids:
            missing = want[want["raw_id"].isin(want_ids - got_ids)]
            problems.append(
                f"{source}.{table}: not set aside: "
                + missing[["raw_id", "dirt_kind"]].head(5).to_string(index=False)
            )
        if got_ids - want_ids:
            extra = got[got["raw_id"].isin(got_ids - want_ids)]
            problems.append(
                f"{source}.{table}: set aside without truth saying so: "
                + extra[["raw_id", "reason"]].head(5).to_string(index=False)
            )
        if want["raw_id"].isna().sum() != got["raw_id"].isna().sum():
            problems.append(
                f"{source}.{table}: {got['raw_id'].isna().sum()} null-id rows set aside, "
                f"truth has {want['raw_id'].isna().sum()}"
            )
    assert not problems, "\n".join(problems)


def test_soft_deletes_leave_staging(truth, build) -> None:
    problems = []
    checked = 0
    for (source, table), names in BASE.items():
        ids = set(_dirty(truth, source, table, "deleted")["raw_id"])
        if not ids:
            continue
        got = _outcomes(build, source, table, ids)
        winners = got[got["row_outcome"] != "duplicate"]
        wrong = winners[winners["row_outcome"] != "deleted"]
        if len(winners) != len(ids) or len(wrong):
            problems.append(f"{source}.{table}: deleted ids staged as {wrong.to_dict('records')}")
        id_column = build.scalar(
            "select column_name from information_schema.columns "
            f"where table_schema = 'staging' and table_name = '{names['stg']}' "
            "order by ordinal_position limit 1"
        )
        leaked = build.scalar(
            f"select count(*) from staging.{names['stg']} where {id_column} in ({_sql_list(ids)})"
        )
        if leaked:
            problems.append(f"{names['stg']}: {leaked} soft-deleted ids still present")
        checked += len(ids)
    assert checked > 0
    assert not problems, "\n".join(problems)


def test_resyncs_keep_exactly_one_copy(truth, build) -> None:
    problems = []
    checked = 0
    for source, table in BASE:
        dup = _dirty(truth, source, table, "duplicate")
        if dup.empty:
            continue
        copies_expected = dup["raw_id"].value_counts() + 1
        got = _outcomes(build, source, table, copies_expected.index)
        for raw_id, want_copies in copies_expected.items():
            outcomes = got.loc[got["raw_id"] == raw_id, "row_outcome"].tolist()
            kept = [o for o in outcomes if o in ("staged", "deleted")]
            if (
                len(outcomes) != want_copies
                or len(kept) != 1
                or (outcomes.count("duplicate") != want_copies - 1)
            ):
                problems.append(f"{source}.{table} {raw_id}: {outcomes}")
        checked += len(copies_expected)
    assert checked > 0
    assert not problems, "\n".join(problems[:20])


def test_messy_emails_are_cleaned(truth, build) -> None:
    problems = []
    checked = 0
    for (source, table), stg in EMAIL_STG.items():
        rows = _dirty(truth, source, table, "cleaned")
        ids = set(rows.loc[rows["dirt_kind"] == "messy_email", "raw_id"])
        if not ids:
            continue
        id_column = build.scalar(
            "select column_name from information_schema.columns "
            f"where table_schema = 'staging' and table_name = '{stg}' "
            "order by ordinal_position limit 1"
        )
        got = dict(
            build.query(
                f"select {id_column}, email from staging.{stg} "
                f"where {id_column} in ({_sql_list(ids)})"
            )
        )
        for raw_id in sorted(ids):
            email = got.get(raw_id)
            if email is None or email != email.strip().lower() or " " in email:
                problems.append(f"{stg} {raw_id}: email {email!r}")
        checked += len(ids)
    assert checked > 0
    assert not problems, "\n".join(problems[:20])


def test_messy_booleans_are_staged_with_their_value(truth, build) -> None:
    dirty = truth["dirty"]
    rows = dirty[dirty["dirt_kind"] == "messy_boolean"]
    assert len(rows) > 0
    problems = []
    for (source, table), group in rows.groupby(["source", "table_name"]):
        model = BASE[(source, table)]["model"]
        for raw_id, detail in zip(group["raw_id"], group["detail"], strict=True):
            column, spelled = detail.split("=", 1)
            got = build.query(
                f"select row_outcome, {column} from staging.{model} "
                f"where cast(raw_id as varchar) = '{raw_id}'"
            )
            want = spelled.lower() in TRUE_SPELLINGS
            if got != [("staged", want)]:
                problems.append(f"{model} {raw_id} {detail}: {got}")
    assert not problems, "\n".join(problems[:20])


def test_every_clean_hand_raise_reaches_staged_form_fills(truth, build) -> None:
    hand = truth["hand_raises"]
    assert len(hand) > 0
    dirty_ids = set(
        truth["dirty"]
        .loc[lambda d: (d["source"] == "marketo") & (d["table_name"] == "activity_fill_out_form")]
        .raw_id.dropna()
    )
    staged = {
        row[0]
        for row in build.query(
            "select cast(form_fill_id as varchar) from staging.stg_marketo__form_fills"
        )
    }
    clean = hand[~hand["activity_id"].isin(dirty_ids)]
    reached = clean["activity_id"].isin(staged)
    share = reached.mean()
    assert share == 1.0, (
        f"{share:.1%} of {len(clean)} clean hand-raises reach stg_marketo__form_fills; "
        f"missing: {clean.loc[~reached, 'activity_id'].head(10).tolist()}"
    )
    # and the dirty ones (no lead id) do not
    dirty_hand = hand[hand["activity_id"].isin(dirty_ids)]
    assert not dirty_hand["activity_id"].isin(staged).any()
