"""Privacy in the public marts (issue #5).

With default vars no mart holds an email address or a person's name, person_key is the
salted hash of the email, and soft-deleted records reach no mart. One extra build
of the small world, with three people named in the erasure seed (by email, by Salesforce
contact id, by Marketo lead id) and var mqx_expose_personal_data on, shows that every id,
key and activity of theirs is gone from every mart, that the people count drops by
exactly three and reconciles, and that the personal columns fill only when asked.

The erasure rows go into the seed of a copy of the project (dbt cannot point a seed at
another file from the command line), so the repository's seed stays the interface.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import dbt_harness
import duckdb
import pytest
from dbt_harness import Build, run_dbt

DEMO_SALT = "mqx-demo-salt-not-secret"  # macros/privacy/mqx_privacy.sql, documented there
TEST_SALT = "pytest salt with a ' quote"  # the quote checks the salt is escaped in SQL
# the mart columns that hold personal data when var mqx_expose_personal_data is true (the
# world writes the person's name into about a third of meeting subjects)
PERSONAL_COLUMNS = {"people.email", "people.first_name", "people.last_name", "signals.detail"}
SALT_WARNING = "MQX_PERSON_KEY_SALT is not set"
NOBODY_EMAIL = "nobody@example.invalid"

# Staging base models whose soft-deleted rows must reach no mart: (model, id column).
DELETABLE = [
    ("base_salesforce__contacts", "contact_id"),
    ("base_salesforce__leads", "lead_id"),
    ("base_salesforce__campaign_members", "campaign_member_id"),
    ("base_salesforce__events", "event_id"),
    ("base_salesforce__tasks", "task_id"),
    ("base_marketo__leads", "marketo_lead_id"),
]


# --- helpers -----------------------------------------------------------------------------


def _connect(build: Build) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the build's warehouse attached read-only under its
    own name, `mqx` (the staging views name that catalog), so temporary tables can be
    made without writing to the warehouse."""
    assert build.duckdb_path.stem == "mqx", f"unexpected warehouse file {build.duckdb_path}"
    con = duckdb.connect()
    con.execute(f"attach '{build.duckdb_path}' as mqx (read_only)")
    return con


def _mart_text_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    rows = con.execute(
        """
        select table_name, column_name
        from information_schema.columns
        where table_catalog = 'mqx' and table_schema = 'marts' and data_type = 'VARCHAR'
        order by table_name, column_name
        """
    ).fetchall()
    assert rows, "no varchar columns found in schema marts: was the build empty?"
    return rows


def _mart_tokens(con: duckdb.DuckDBPyConnection) -> None:
    """Temp table mart_tokens(location, value, token): every distinct value of every
    varchar column of every mart, whole and split at ':' and '|' (composite ids such as
    'lead:contact:003...:mex:2025-01-06' or signal ids such as 'form:50000906')."""
    selects = [
        f"""
        select distinct '{table}.{column}' as location, value, token
        from (
            select distinct cast({column} as varchar) as value
            from mqx.marts.{table} where {column} is not null
        ) as distinct_values,
        unnest(list_append(regexp_split_to_array(value, '[:|]'), value)) as t(token)
        """
        for table, column in _mart_text_columns(con)
    ]
    con.execute("create or replace temp table mart_tokens as " + " union all ".join(selects))


def _found_in_marts(build: Build, values: set[str]) -> dict[str, set[str]]:
    """Which of `values` appear in a mart, whole or as a part of a composite id:
    {value: {'table.column', ...}}."""
    with _connect(build) as con:
        _mart_tokens(con)
        con.execute("create temp table wanted (token varchar)")
        con.executemany("insert into wanted values (?)", [(v,) for v in sorted(values)])
        rows = con.execute(
            """
            select distinct mart_tokens.token, mart_tokens.location
            from mart_tokens inner join wanted on mart_tokens.token = wanted.token
            """
        ).fetchall()
    found: dict[str, set[str]] = {}
    for token, location in rows:
        found.setdefault(token, set()).add(location)
    return found


def _raw_names(raw_root: Path) -> tuple[set[str], set[str]]:
    """(single names, full names) of everyone in the raw files, lowercased."""
    singles: set[str] = set()
    fulls: set[str] = set()
    with duckdb.connect() as con:
        for table in ("salesforce/contact", "salesforce/lead", "marketo/lead"):
            files = str(raw_root / table / "*.parquet")
            names = con.execute(
                "select lower(trim(first_name)), lower(trim(last_name)) "
                f"from read_parquet('{files}')"
            ).fetchall()
            for first, last in names:
                singles.update(name for name in (first, last) if name)
                if first and last:
                    fulls.add(f"{first} {last}")
    assert singles and fulls, f"no names found in the raw files under {raw_root}"
    return singles, fulls


def _personal_data_locations(build: Build) -> dict[str, set[str]]:
    """Mart columns holding an email address ('@'), a person's full name, or a value
    that is exactly a first or last name from the raw files: {'table.column': examples}."""
    singles, fulls = _raw_names(build.raw_root)
    with _connect(build) as con:
        _mart_tokens(con)
        con.execute("create temp table single_names (name varchar)")
        con.executemany("insert into single_names values (?)", [(n,) for n in sorted(singles)])
        con.execute("create temp table full_names (name varchar)")
        con.executemany("insert into full_names values (?)", [(n,) for n in sorted(fulls)])
        rows = con.execute(
            """
            with mart_values as (select distinct location, value from mart_tokens)
            select location, value from mart_values where value like '%@%'
            union
            select location, value from mart_values
            where lower(trim(value)) in (select name from single_names)
            union
            select mart_values.location, mart_values.value
            from mart_values
            inner join full_names on contains(lower(mart_values.value), full_names.name)
            """
        ).fetchall()
    found: dict[str, set[str]] = {}
    for location, value in rows:
        found.setdefault(location, set()).add(value)
    return found


def _person_key(salt: str, email: str) -> str:
    return hashlib.sha256((salt + email.strip().lower()).encode()).hexdigest()


def _copy_project(destination: Path) -> Path:
    """The dbt project (not the venv, warehouse, artefacts or pytest suites) copied."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {".venv", ".git", "data", "target", "logs", "dbt_packages", "__pycache__"}
        skipped |= {".pytest_cache", ".ruff_cache"}
        if Path(folder).resolve() == (dbt_harness.REPO / "tests").resolve():
            skipped.add("python")
        return {name for name in names if name in skipped}

    shutil.copytree(dbt_harness.REPO, destination, ignore=ignore)
    return destination


# --- the people to erase, chosen from the default build ---------------------------------


def _choose_people(build: Build) -> dict[str, dict]:
    """Three people of marts.people with activity in marts.signals, one per way of naming
    them: by email (an email no other person's records carry), by Salesforce contact id
    (and they also have a Marketo lead), by Marketo lead id (and they also have a
    Salesforce contact or lead)."""
    with _connect(build) as con:
        candidates = con.execute(
            """
            with emails as (
                select 'sfdc_contact' as identifier_type, contact_id as identifier, email
                from mqx.staging.stg_salesforce__contacts
                union all
                select 'sfdc_lead', lead_id, email from mqx.staging.stg_salesforce__leads
                union all
                select 'marketo_lead', marketo_lead_id, email from mqx.staging.stg_marketo__leads
                union all
                select 'marketo_lead', user_id, email from mqx.staging.stg_segment__identifies
            ),
            people_per_email as (
                select emails.email, count(distinct ids.person_id) as people
                from emails
                inner join mqx.intermediate.int_person_identifiers as ids
                    on emails.identifier_type = ids.identifier_type
                        and emails.identifier = ids.identifier
                where emails.email is not null
                group by emails.email
            ),
            activity as (
                select
                    person_id,
                    count(*) as signals,
                    count(distinct signal_source) as sources,
                    count_if(signal_source = 'web_page') as page_views
                from mqx.intermediate.int_signals_unified
                where person_id is not null
                group by person_id
            )
            select
                people.person_id, resolved.email, people.contact_id, people.marketo_lead_id,
                people.lead_id
            from mqx.marts.people as people
            inner join mqx.intermediate.int_people_resolved as resolved
                on people.person_id = resolved.person_id
            inner join activity on people.person_id = activity.person_id
            inner join people_per_email on resolved.email = people_per_email.email
            where people_per_email.people = 1 and people.marketo_lead_id is not null
                and (people.contact_id is not null or people.lead_id is not null)
                and activity.page_views > 0
            order by activity.sources desc, activity.signals desc, people.person_id
            """
        ).fetchall()
    columns = ["person_id", "email", "contact_id", "marketo_lead_id", "lead_id"]
    people = [dict(zip(columns, row, strict=True)) for row in candidates]
    by_email = people[0]
    by_contact = next(p for p in people[1:] if p["contact_id"])
    by_marketo = next(p for p in people[1:] if p is not by_contact)
    return {"email": by_email, "contact_id": by_contact, "marketo_lead_id": by_marketo}


def _traces(build: Build, person_ids: list[str]) -> dict[str, set[str]]:
    """Every id that betrays a person in the marts: person_id, person_key, their system
    ids and the ids of their activity (signals and page views), per person."""
    traces: dict[str, set[str]] = {}
    with _connect(build) as con:
        for person_id in person_ids:
            values = {person_id}
            values |= {
                row[0]
                for row in con.execute(
                    """
                    select identifier from mqx.intermediate.int_person_identifiers
                    where person_id = $1
                    union all
                    select person_key from mqx.intermediate.int_people_resolved
                    where person_id = $1 and person_key is not null
                    union all
                    select source_event_id from mqx.intermediate.int_signals_unified
                    where person_id = $1
                    union all
                    select page_view_id from mqx.intermediate.int_web_page_views_resolved
                    where person_id = $1
                    """,
                    [person_id],
                ).fetchall()
            }
            traces[person_id] = values
    return traces


@pytest.fixture(scope="module")
def erasure_case(small_world_build, tmp_path_factory) -> dict:
    """The one extra build: the small world with three erasure requests (plus one that
    matches nobody), var mqx_expose_personal_data on and a salt of the test's own."""
    chosen = _choose_people(small_world_build)
    project = _copy_project(tmp_path_factory.mktemp("privacy") / "project")
    rows = [
        "requested_at,email,contact_id,lead_id,marketo_lead_id,reason",
        # upper case and blanks: the request is matched on the normalised email
        f"2026-01-05,  {chosen['email']['email'].upper()} ,,,,gdpr_erasure",
        f"2026-01-06,,{chosen['contact_id']['contact_id']},,,gdpr_erasure",
        f"2026-01-07,,,,{chosen['marketo_lead_id']['marketo_lead_id']},ccpa_deletion",
        f"2026-01-08,{NOBODY_EMAIL},,,,example_matching_nobody",
    ]
    (project / "seeds" / "privacy" / "erasure_requests.csv").write_text("\n".join(rows) + "\n")
    workdir = tmp_path_factory.mktemp("privacy_build")
    saved = {key: os.environ.get(key) for key in ("MQX_PERSON_KEY_SALT",)}
    os.environ["MQX_PERSON_KEY_SALT"] = TEST_SALT
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dbt_harness, "REPO", project)
        build = run_dbt(
            ["build", "--vars", "{mqx_expose_personal_data: true}"],
            small_world_build.raw_root,
            workdir,
        )
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    assert build.success, (
        f"dbt build with erasure requests failed: {build.error or build.failures()}"
    )
    return {"build": build, "chosen": chosen}


# --- default vars: no personal data, salted key, soft deletes gone ------------------------


def test_default_marts_hold_no_email_or_name(small_world_build):
    found = _personal_data_locations(small_world_build)
    assert not found, (
        "with default vars these mart columns hold emails or names from the raw files "
        f"(table.column: examples): { {k: sorted(v)[:3] for k, v in found.items()} }"
    )
    with _connect(small_world_build) as con:
        filled = con.execute(
            "select count(email), count(first_name), count(last_name) from mqx.marts.people"
        ).fetchone()
    assert filled == (0, 0, 0), f"marts.people personal columns not empty by default: {filled}"


def test_person_key_is_the_salted_hash_of_the_email(small_world_build):
    salt = os.environ.get("MQX_PERSON_KEY_SALT") or DEMO_SALT
    with _connect(small_world_build) as con:
        rows = con.execute(
            """
            select people.person_id, people.person_key, resolved.email
            from mqx.marts.people as people
            inner join mqx.intermediate.int_people_resolved as resolved
                on people.person_id = resolved.person_id
            """
        ).fetchall()
    with_email = [(pid, key, email) for pid, key, email in rows if email]
    assert len(with_email) > 100, "too few people with an email to test person_key"
    wrong = [pid for pid, key, email in with_email if key != _person_key(salt, email)]
    assert not wrong, f"person_key is not sha256(salt || email) for {len(wrong)}: {wrong[:5]}"
    no_email_keys = [pid for pid, key, email in rows if not email and key is not None]
    assert not no_email_keys, f"person_key set without an email: {no_email_keys[:5]}"
    if not os.environ.get("MQX_PERSON_KEY_SALT"):
        log = (small_world_build.workdir / "logs" / "dbt.log").read_text()
        assert SALT_WARNING in log, "no warning that MQX_PERSON_KEY_SALT is unset in dbt.log"


def test_soft_deleted_records_reach_no_mart(small_world_build):
    deleted: dict[str, str] = {}
    with _connect(small_world_build) as con:
        for model, id_column in DELETABLE:
            for (identifier,) in con.execute(
                f"select distinct {id_column} from mqx.staging.{model} "
                "where row_outcome = 'deleted'"
            ).fetchall():
                deleted[identifier] = model
    models_with_deletes = set(deleted.values())
    assert {"base_salesforce__contacts", "base_salesforce__leads"} <= models_with_deletes, (
        f"the small world should soft-delete contacts and leads; deletes seen in "
        f"{sorted(models_with_deletes)}"
    )
    found = _found_in_marts(small_world_build, set(deleted))
    assert not found, (
        "soft-deleted records still in the marts (id: model, mart columns): "
        f"{ {k: (deleted[k], sorted(v)) for k, v in found.items()} }"
    )


# --- erasure requests and mqx_expose_personal_data ----------------------------------------


def test_erased_people_are_in_the_default_marts(small_world_build, erasure_case):
    """The control for the next test: before erasure every chosen person, their key and
    their activity are visible in the marts, so the check can find them."""
    chosen = [p["person_id"] for p in erasure_case["chosen"].values()]
    traces = _traces(small_world_build, chosen)
    for person_id, values in traces.items():
        found = _found_in_marts(small_world_build, values)
        assert person_id in found, f"{person_id} not in the default marts"
        assert len(found) > 3, f"too few traces of {person_id} in the default marts: {found}"


def test_erased_people_leave_every_mart(small_world_build, erasure_case):
    build = erasure_case["build"]
    chosen = [p["person_id"] for p in erasure_case["chosen"].values()]
    traces = _traces(small_world_build, chosen)
    for how, person in erasure_case["chosen"].items():
        found = _found_in_marts(build, traces[person["person_id"]])
        assert not found, (
            f"{person['person_id']} (erased by {how}) still in the marts "
            f"(value: mart columns): { {k: sorted(v) for k, v in found.items()} }"
        )


def test_erasure_counts_reconcile(small_world_build, erasure_case):
    build = erasure_case["build"]
    before = small_world_build.scalar("select count(*) from marts.people")
    after = build.scalar("select count(*) from marts.people")
    assert after == before - 3, f"marts.people had {before} rows, {after} after erasing 3"
    linked = build.scalar(
        "select count(distinct person_id) from intermediate.int_person_identifiers_linked"
    )
    resolved = build.scalar("select count(*) from intermediate.int_people_resolved")
    applied = build.query(
        """
        select named_by, people_erased, is_matched, web_page_views_erased,
            marketo_activities_erased, salesforce_activities_erased
        from intermediate.int_erasure_requests_applied order by request_number
        """
    )
    assert [row[0] for row in applied] == ["email", "contact_id", "marketo_lead_id", "email"]
    assert [row[1] for row in applied] == [1, 1, 1, 0]
    assert [row[2] for row in applied] == [True, True, True, False]
    assert linked == resolved + sum(row[1] for row in applied), (
        f"people before erasure {linked} != people kept {resolved} + erased"
    )
    assert all(sum(row[3:]) > 0 for row in applied[:3]), f"no activity counted: {applied}"
    columns = {row[0] for row in build.query("describe intermediate.int_erasure_requests_applied")}
    assert not columns & {"email", "contact_id", "lead_id", "marketo_lead_id", "person_id"}
    warned = [r for r in build.results if "int_erasure_requests_applied" in r["unique_id"]]
    assert any(r["status"] == "warn" for r in warned), "no warning for the unmatched request"


def test_exposed_personal_data_and_salt(small_world_build, erasure_case):
    build = erasure_case["build"]
    rows = build.query(
        """
        select people.person_id, people.person_key, people.email, people.first_name,
            people.last_name, resolved.email, resolved.first_name, resolved.last_name
        from marts.people as people
        inner join intermediate.int_people_resolved as resolved
            on people.person_id = resolved.person_id
        """
    )
    assert rows and all(r[2:5] == r[5:8] for r in rows), "exposed columns differ from identity"
    assert sum(1 for r in rows if r[2] and r[3] and r[4]) > 100, "exposed columns mostly empty"
    wrong = [r[0] for r in rows if r[2] and r[1] != _person_key(TEST_SALT, r[2])]
    assert not wrong, f"person_key not salted with MQX_PERSON_KEY_SALT for {wrong[:5]}"
    default_keys = dict(small_world_build.query("select person_id, person_key from marts.people"))
    same = [r[0] for r in rows if r[1] and default_keys.get(r[0]) == r[1]]
    assert not same, f"person_key did not change with the salt for {len(same)} people"
    # the scanner of the default test finds exactly the exposed columns, and only them
    assert set(_personal_data_locations(build)) == PERSONAL_COLUMNS
