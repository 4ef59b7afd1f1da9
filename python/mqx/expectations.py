"""Great Expectations suite over the public marts: `python -m mqx.expectations`.

    python -m mqx.expectations --duckdb data/mqx.duckdb --docs data/expectations_docs

Opens a built warehouse read-only, loads each public mart of schema `marts` into pandas
and validates one expectation suite per mart with Great Expectations (the pandas route:
an ephemeral context, one pandas data source, a whole-dataframe batch per frame). Cross-
mart rules are checked the same way on a frame a DuckDB query computes from several
marts. A few restate the marts' dbt tests (ranges, accepted values); most are rules
across columns and marts that the dbt tests do not check:

* probabilities (P(in-market), calibration, conversion, rejection and noise shares) lie
  in [0, 1] and every expected-value threshold strictly in (0, 1); the threshold is
  Cost_FP / (Cost_FP + Cost_FN) and Cost_FN is deal value x win rate;
* tiers, fit grades, segments and signal classes are the configured ones (read from the
  seeds the build loaded into the warehouse: playbooks, fit_grades, economics,
  signal_catalog), a fit grade matches its fit score's band, MQX and MEX units pass the
  fit gate, an MQX's P(in-market) reaches its threshold (so engaging it pays), a
  disqualified unit is always in tier none, and SLA hours and due times follow the
  playbook;
* tier exclusivity: one row per unit in tier_assignments and per unit and as-of date
  in tier_history; every routed unit of the `mqx_unit` type is in exactly one of
  hand_raisers, mqx and mex, the one of its tier; today's tiers equal the run date's
  row of tier_history;
* no hand-raiser without a hand-raise request (a signal of class hand_raise in
  marts.signals within `hand_raise_window_days`), and no request in that window left
  unrouted unless the unit is disqualified;
* the reason ledger (marts.signals) adds up to each unit's intent and engagement
  scores, and each pipeline_metrics breakdown adds up to the month's total;
* money is never negative, counts nest (won <= with opportunity <= entered), legacy
  MQLs reach the legacy threshold.

The dbt vars the rules use (`mqx_unit`, `hand_raise_window_days`, `signal_lookback_days`,
`legacy_mql_threshold`, `quadrant_intent_score`) are read from dbt_project.yml; pass the
same `--vars` as the build when it overrode them.

Data Docs (GE's static HTML site: one page per suite and per validation) are written to
`--docs` (its `index.html`, `expectations/`, `validations/` and `static/` are replaced on
each run). Prints one line per suite (expectations passed / failed) and exits 0 when all
pass, 1 when any fails (each failure on stderr, naming the mart, the column, the
expectation, how many rows and which, and the rule in plain words), 2 when an input is
missing. Great Expectations is imported only when validating (it takes seconds).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import shutil
import sys
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
MARTS = "marts"
SITE_NAME = "mqx_marts"
CHECK_META = "mqx_check"  # the expectation's position in its Suite, kept in its meta
DATASOURCE_NAME = "mqx_warehouse"

# The tier and unit names the tier rules are written in (models/intermediate/tiers); the
# configured playbooks must define these tiers.
HAND_RAISER, MQX, MEX, NONE = "hand_raiser", "mqx", "mex", "none"
TIER_MARTS = {HAND_RAISER: "hand_raisers", MQX: "mqx", MEX: "mex"}
UNIT_TYPES = ("lead", "account", "buying_group")
HAND_RAISE_CLASS = "hand_raise"
ENGAGEMENT_CLASS = "engagement"
PERSONAS = ("decision_maker", "champion", "influencer", "user", "not_relevant", "unknown")
QUADRANTS_BY_FIT_GATE = (
    (True, "ready"),
    (True, "nurture"),
    (False, "not_worth_a_call"),
    (False, "ignore"),
)
SLA_STATUS_FLAGS = (("met", True, False), ("breached", False, True), ("open", False, False))
LEGACY_NOT_MQL = "not_legacy_mql"
# Floating-point slack when a derived number is compared with the one the mart stores.
SCORE_TOLERANCE = 1e-6
MONEY_TOLERANCE_USD = 0.01

VAR_NAMES = (
    "mqx_unit",
    "hand_raise_window_days",
    "signal_lookback_days",
    "legacy_mql_threshold",
    "quadrant_intent_score",
)
BUILD_HINT = "run `dbt build` (or `make build`) first"


class ExpectationsError(Exception):
    """An input the suite needs is missing or unusable; the message says which."""


# --------------------------------------------------------------------------- the spec


Where = tuple[tuple[str, str, Any], ...]


@dataclass(frozen=True)
class Check:
    """One expectation: a Great Expectations class name, its arguments, the rule it
    stands for in plain words, and an optional row condition (column, op, value) triples
    that must all hold (op is ==, != or in)."""

    expectation: str
    kwargs: dict[str, Any]
    why: str
    where: Where = ()

    @property
    def columns(self) -> list[str]:
        names = [self.kwargs.get(key) for key in ("column", "column_A", "column_B")]
        names += list(self.kwargs.get("column_list", []))
        return [name for name in names if name]

    @property
    def where_text(self) -> str:
        return " and ".join(f"{column} {op} {value!r}" for column, op, value in self.where)


@dataclass(frozen=True)
class Suite:
    """The expectations over one frame: a mart (name marts.<mart>) or a cross-mart
    frame (name cross_mart.<rule>) computed by `sql` from the marts in `reads`."""

    name: str
    sql: str
    reads: tuple[str, ...]
    key: str
    checks: tuple[Check, ...]


def _check(expectation: str, why: str, where: Where = (), **kwargs: Any) -> Check:
    return Check(expectation=expectation, kwargs=kwargs, why=why, where=tuple(where))


def between(column: str, why: str, where: Where = (), **bounds: Any) -> Check:
    return _check("ExpectColumnValuesToBeBetween", why, where, column=column, **bounds)


def in_set(column: str, values: Sequence[Any], why: str, where: Where = ()) -> Check:
    return _check("ExpectColumnValuesToBeInSet", why, where, column=column, value_set=list(values))


def not_in_set(column: str, values: Sequence[Any], why: str, where: Where = ()) -> Check:
    return _check(
        "ExpectColumnValuesToNotBeInSet", why, where, column=column, value_set=list(values)
    )


def not_null(column: str, why: str, where: Where = ()) -> Check:
    return _check("ExpectColumnValuesToNotBeNull", why, where, column=column)


def null(column: str, why: str, where: Where = ()) -> Check:
    return _check("ExpectColumnValuesToBeNull", why, where, column=column)


def unique_together(columns: Sequence[str], why: str) -> Check:
    return _check("ExpectCompoundColumnsToBeUnique", why, column_list=list(columns))


def at_least(a: str, b: str, why: str, where: Where = ()) -> Check:
    """Column a >= column b on every row where both have a value."""
    return _check(
        "ExpectColumnPairValuesAToBeGreaterThanB",
        why,
        where,
        column_A=a,
        column_B=b,
        or_equal=True,
        ignore_row_if="either_value_is_missing",
    )


def same(a: str, b: str, why: str, where: Where = ()) -> Check:
    """Column a equals column b (a row where only one of them is empty fails)."""
    return _check("ExpectColumnPairValuesToBeEqual", why, where, column_A=a, column_B=b)


def pairs_in(a: str, b: str, pairs: Sequence[tuple[Any, Any]], why: str) -> Check:
    return _check(
        "ExpectColumnPairValuesToBeInSet",
        why,
        column_A=a,
        column_B=b,
        value_pairs_set=[tuple(pair) for pair in pairs],
        ignore_row_if="either_value_is_missing",
    )


def near_zero(column: str, tolerance: float, why: str, where: Where = ()) -> Check:
    return between(column, why, where, min_value=-tolerance, max_value=tolerance)


def probability(column: str, what: str, where: Where = ()) -> Check:
    return between(column, f"{what} is a probability, 0 to 1.", where, min_value=0, max_value=1)


def open_threshold(column: str = "threshold") -> Check:
    return between(
        column,
        "An expected-value threshold Cost_FP / (Cost_FP + Cost_FN) lies strictly between "
        "0 and 1 (0 would engage everyone, 1 no one).",
        min_value=0,
        max_value=1,
        strict_min=True,
        strict_max=True,
    )


def non_negative(column: str, what: str) -> Check:
    return between(column, f"{what} cannot be negative.", min_value=0)


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Settings:
    """What the rules are derived from: the seeds the build loaded and the dbt vars."""

    config_schema: str
    tiers: tuple[str, ...]
    sla_hours: dict[str, int | None]
    expected_conversion: dict[str, float | None]
    fit_grades: tuple[tuple[str, float, bool], ...]
    segments: tuple[str, ...]
    signal_classes: tuple[str, ...]
    variables: dict[str, Any] = field(default_factory=dict)

    @property
    def routed_tiers(self) -> tuple[str, ...]:
        return tuple(tier for tier in self.tiers if self.sla_hours.get(tier) is not None)

    @property
    def gate_grades(self) -> tuple[str, ...]:
        return tuple(grade for grade, _, passes in self.fit_grades if passes)

    def var(self, name: str) -> Any:
        return self.variables[name]


def project_vars(project_dir: Path, overrides: str | None = None) -> dict[str, Any]:
    """The dbt vars of dbt_project.yml, with `--vars` (a YAML mapping) on top."""
    project_file = project_dir / "dbt_project.yml"
    if not project_file.is_file():
        raise ExpectationsError(f"{project_file} not found: pass --project-dir")
    variables = dict(yaml.safe_load(project_file.read_text()).get("vars") or {})
    if overrides:
        extra = yaml.safe_load(overrides)
        if not isinstance(extra, dict):
            raise ExpectationsError(f"--vars must be a YAML mapping, got {overrides!r}")
        variables.update(extra)
    missing = [name for name in VAR_NAMES if variables.get(name) is None]
    if missing:
        raise ExpectationsError(
            f"dbt vars {', '.join(missing)} not set in {project_file} or --vars"
        )
    return {name: variables[name] for name in VAR_NAMES}


def _schema_of(con: duckdb.DuckDBPyConnection, table: str) -> str | None:
    row = con.execute(
        "select table_schema from information_schema.tables where table_name = ? "
        "order by table_schema limit 1",
        [table],
    ).fetchone()
    return row[0] if row else None


def read_settings(con: duckdb.DuckDBPyConnection, variables: dict[str, Any]) -> Settings:
    """Read the configuration seeds from the warehouse the build wrote."""
    config = _schema_of(con, "playbooks")
    if config is None:
        raise ExpectationsError(f"seed table playbooks not found in the warehouse: {BUILD_HINT}")
    for seed in ("fit_grades", "economics", "signal_catalog"):
        if _schema_of(con, seed) != config:
            raise ExpectationsError(f"seed table {config}.{seed} not found: {BUILD_HINT}")
    playbooks = con.execute(
        f"select tier, sla_hours, expected_conversion from {config}.playbooks order by tier_rank"
    ).fetchall()
    tiers = tuple(row[0] for row in playbooks)
    absent = [tier for tier in (HAND_RAISER, MQX, MEX, NONE) if tier not in tiers]
    if absent:
        raise ExpectationsError(
            f"{config}.playbooks has no row for tier {', '.join(absent)}: the tier rules "
            "need hand_raiser, mqx, mex and none (fix seeds/playbooks.csv)"
        )
    grades = con.execute(
        f"select fit_grade, min_fit_score, passes_fit_gate from {config}.fit_grades "
        "order by min_fit_score desc"
    ).fetchall()
    segments = con.execute(f"select segment from {config}.economics order by segment").fetchall()
    classes = con.execute(
        f"select distinct signal_class from {config}.signal_catalog order by 1"
    ).fetchall()
    return Settings(
        config_schema=config,
        tiers=tiers,
        sla_hours={row[0]: row[1] for row in playbooks},
        expected_conversion={row[0]: row[2] for row in playbooks},
        fit_grades=tuple((row[0], row[1], bool(row[2])) for row in grades),
        segments=tuple(row[0] for row in segments),
        signal_classes=tuple(row[0] for row in classes),
        variables=variables,
    )


# --------------------------------------------------------------------------- the suites


def _mart(name: str, checks: Sequence[Check], key: str, extra_sql: str = "") -> Suite:
    sql = f"select mart.*{extra_sql} from {MARTS}.{name} as mart"
    return Suite(f"{MARTS}.{name}", sql, (f"{MARTS}.{name}",), key, tuple(checks))


def _grade_from_score(settings: Settings) -> str:
    return (
        ",\n    (select fit_grades.fit_grade"
        f" from {settings.config_schema}.fit_grades as fit_grades"
        " where fit_grades.min_fit_score <= mart.fit_score"
        " order by fit_grades.min_fit_score desc limit 1) as fit_grade_from_score"
    )


def _sla_due_from_playbook(settings: Settings) -> str:
    return (
        ",\n    mart.tier_entered_at + to_hours(cast((select playbooks.sla_hours"
        f" from {settings.config_schema}.playbooks as playbooks"
        " where playbooks.tier = mart.tier) as bigint)) as sla_due_at_from_playbook"
    )


def _grade_matches_score(settings: Settings) -> Check:
    bands = ", ".join(f"{grade} from {low:g}" for grade, low, _ in settings.fit_grades)
    return same(
        "fit_grade",
        "fit_grade_from_score",
        f"A fit grade is the band of the fit score in seed fit_grades ({bands}).",
    )


def _excluded_in_none() -> Check:
    return in_set(
        "tier",
        [NONE],
        "A disqualified unit (competitor, student, free mail, poor fit) is always in tier none.",
        where=(("is_excluded", "==", True),),
    )


def _tier_in_playbooks(settings: Settings) -> Check:
    return in_set("tier", settings.tiers, "Every tier is one of seed playbooks.")


def _sla_pairs(settings: Settings) -> Check:
    pairs = [(tier, hours) for tier, hours in settings.sla_hours.items() if hours is not None]
    return pairs_in(
        "tier", "sla_hours", pairs, "A tier's SLA hours are its playbook's (seed playbooks)."
    )


def _sla_due(settings: Settings) -> Check:
    return same(
        "sla_due_at",
        "sla_due_at_from_playbook",
        "The SLA is due the playbook's sla_hours after the unit entered its tier.",
    )


def tier_mart_suite(settings: Settings, tier: str) -> Suite:
    """hand_raisers, mqx, mex: the tier_assignments rows of one tier and the mqx_unit."""
    unit = settings.var("mqx_unit")
    checks = [
        in_set("tier", [tier], f"marts.{TIER_MARTS[tier]} holds only tier {tier}."),
        in_set(
            "unit_type",
            [unit],
            f"The tier tables hold units of the var mqx_unit ({unit}); pass the build's "
            "--vars if it changed mqx_unit.",
        ),
        not_null(
            "sla_due_at", "Every routed unit has an SLA due time, so sales knows the deadline."
        ),
    ]
    if tier == MQX:
        checks.append(
            at_least(
                "p_in_market",
                "threshold",
                "An MQX's P(in-market) reaches its segment's expected-value threshold.",
            )
        )
    return _mart(TIER_MARTS[tier], checks, key="tier_assignment_id")


def mart_suites(settings: Settings) -> list[Suite]:
    routed = list(settings.routed_tiers)
    gate = list(settings.gate_grades)
    tier_assignments = _mart(
        "tier_assignments",
        [
            unique_together(("unit_type", "unit_id"), "Each unit has exactly one tier."),
            _check(
                "ExpectColumnUniqueValueCountToBeBetween",
                "All tiers are as of one run date.",
                column="as_of_date",
                min_value=1,
                max_value=1,
            ),
            _tier_in_playbooks(settings),
            in_set("unit_type", UNIT_TYPES, "A unit is a lead, an account or a buying group."),
            in_set("segment", settings.segments, "Every segment has economics (seed economics)."),
            _grade_matches_score(settings),
            probability("p_in_market", "P(in-market)"),
            not_null("p_in_market", "Every unit has a P(in-market) (0 without activity)."),
            open_threshold(),
            non_negative("intent_score", "An intent score (decayed signal weights)"),
            non_negative("engagement_score", "An engagement score (decayed signal weights)"),
            _excluded_in_none(),
            at_least(
                "p_in_market",
                "threshold",
                "An MQX's P(in-market) reaches its segment's expected-value threshold.",
                where=(("tier", "==", MQX),),
            ),
            in_set(
                "fit_grade",
                gate,
                "MQX and MEX units pass the fit gate (seed fit_grades).",
                where=(("tier", "in", [MQX, MEX]),),
            ),
            between(
                "expected_value_usd",
                "Engaging an MQX pays on average: its expected value is not negative.",
                where=(("tier", "==", MQX),),
                min_value=-MONEY_TOLERANCE_USD,
            ),
            _sla_pairs(settings),
            _sla_due(settings),
            not_null(
                "tier_entered_at",
                "A unit in a routed tier knows when it entered it (the SLA clock starts there).",
                where=(("tier", "in", routed),),
            ),
        ],
        key="tier_assignment_id",
        extra_sql=_grade_from_score(settings) + _sla_due_from_playbook(settings),
    )
    accounts = _mart(
        "accounts",
        [
            _tier_in_playbooks(settings),
            pairs_in(
                "fit_grade",
                "passes_fit_gate",
                [(grade, passes) for grade, _, passes in settings.fit_grades],
                "passes_fit_gate follows the account's fit grade (seed fit_grades).",
            ),
            _grade_matches_score(settings),
            probability("p_in_market", "P(in-market)"),
            open_threshold(),
            _excluded_in_none(),
            pairs_in(
                "passes_fit_gate",
                "fit_intent_quadrant",
                QUADRANTS_BY_FIT_GATE,
                "Good fits are ready or nurture, poor fits not_worth_a_call or ignore.",
            ),
            between(
                "intent_score",
                "High-intent quadrants (ready, not_worth_a_call) reach the var "
                "quadrant_intent_score.",
                where=(("fit_intent_quadrant", "in", ["ready", "not_worth_a_call"]),),
                min_value=settings.var("quadrant_intent_score"),
            ),
        ],
        key="account_id",
        extra_sql=_grade_from_score(settings),
    )
    people = _mart(
        "people",
        [
            _tier_in_playbooks(settings),
            in_set("persona", PERSONAS, "A persona is a role in a purchase."),
            _grade_matches_score(settings),
            probability("p_in_market", "P(in-market)"),
            _excluded_in_none(),
        ],
        key="person_id",
        extra_sql=_grade_from_score(settings),
    )
    lookback = settings.var("signal_lookback_days")
    signals = _mart(
        "signals",
        [
            in_set(
                "signal_class",
                settings.signal_classes,
                "Signal classes come from seed signal_catalog.",
            ),
            at_least(
                "weight",
                "decayed_weight",
                "Decay only fades a signal: its decayed weight never exceeds its weight.",
            ),
            non_negative("decayed_weight", "A decayed weight"),
            between(
                "age_days",
                f"Only signals of the last signal_lookback_days ({lookback}) count.",
                min_value=0,
                max_value=lookback,
            ),
            between(
                "half_life_days",
                "A half-life is a positive number of days.",
                min_value=0,
                strict_min=True,
            ),
            between(
                "score",
                "A Bombora composite score lies in 0-100.",
                where=(("signal_source", "==", "bombora"),),
                min_value=0,
                max_value=100,
            ),
        ],
        key="unit_signal_id",
    )
    ev_thresholds = _mart(
        "ev_thresholds",
        [
            _check(
                "ExpectColumnDistinctValuesToEqualSet",
                "There is a threshold for every segment of seed economics, and only those.",
                column="segment",
                value_set=list(settings.segments),
            ),
            open_threshold(),
            between(
                "win_rate",
                "A win rate is a share above 0 and at most 1.",
                min_value=0,
                max_value=1,
                strict_min=True,
            ),
            between(
                "deal_value_usd", "A won deal is worth something.", min_value=0, strict_min=True
            ),
            between(
                "cost_false_positive_usd",
                "A wasted touch costs something.",
                min_value=0,
                strict_min=True,
            ),
            near_zero(
                "threshold_minus_cost_ratio",
                SCORE_TOLERANCE,
                "threshold = Cost_FP / (Cost_FP + Cost_FN).",
            ),
            near_zero(
                "cost_false_negative_minus_expected",
                MONEY_TOLERANCE_USD,
                "Cost_FN = deal value x win rate.",
            ),
            at_least("closed_deals", "won_deals", "Won deals are among the closed deals."),
        ],
        key="segment",
        extra_sql=(
            ",\n    mart.threshold - mart.cost_false_positive_usd"
            " / (mart.cost_false_positive_usd + mart.cost_false_negative_usd)"
            " as threshold_minus_cost_ratio,"
            "\n    mart.cost_false_negative_usd - mart.deal_value_usd * mart.win_rate"
            " as cost_false_negative_minus_expected"
        ),
    )
    calibration = _mart(
        "propensity_calibration",
        [
            between("bin", "Ten bins of predictions, 0 to 9.", min_value=0, max_value=9),
            probability("mean_predicted", "A bin's mean prediction"),
            probability("observed_rate", "A bin's observed opportunity rate"),
            probability("brier_score", "The Brier score of probabilities"),
            probability("expected_calibration_error", "The expected calibration error"),
            at_least(
                "mean_predicted", "p_min", "A bin's mean prediction is within its predictions."
            ),
        ],
        key="calibration_bin_id",
    )
    conversion = _mart(
        "tier_conversion",
        [
            probability("touch_rate", "A touch rate"),
            probability("opportunity_rate", "An opportunity rate"),
            probability("win_rate", "A win rate"),
            at_least(
                "units_entered",
                "units_with_opportunity",
                "Entries with an opportunity are among the entries.",
            ),
            at_least(
                "units_with_opportunity",
                "units_won",
                "Won entries are among those with an opportunity.",
            ),
            pairs_in(
                "tier",
                "expected_conversion",
                [(tier, value) for tier, value in settings.expected_conversion.items()],
                "Expected conversion is the tier's playbook figure (seed playbooks).",
            ),
            in_set(
                "is_mqx_too_loose",
                [False],
                "Only mqx cohorts are judged too loose.",
                where=(("tier", "!=", MQX),),
            ),
        ],
        key="tier_cohort_id",
    )
    sla = _mart(
        "sla_compliance",
        [
            in_set("tier", routed, "Only tiers with an SLA in seed playbooks are measured."),
            _sla_pairs(settings),
            _sla_due(settings),
            at_least(
                "first_touch_at",
                "tier_entered_at",
                "The first touch counted is at or after the tier entry.",
            ),
            pairs_in(
                "sla_status",
                "is_within_sla",
                [(status, within) for status, within, _ in SLA_STATUS_FLAGS],
                "is_within_sla is true exactly when the SLA was met.",
            ),
            pairs_in(
                "sla_status",
                "is_breached",
                [(status, breached) for status, _, breached in SLA_STATUS_FLAGS],
                "is_breached is true exactly when the SLA was breached.",
            ),
            null(
                "first_touch_at",
                "An entry sales never touched has no first touch time.",
                where=(("is_touched", "==", False),),
            ),
        ],
        key="sla_entry_id",
        extra_sql=_sla_due_from_playbook(settings),
    )
    pipeline = _mart(
        "pipeline_metrics",
        [
            non_negative("pipeline_usd", "Pipeline created"),
            non_negative("won_usd", "Revenue won"),
            non_negative("spend_usd", "Marketing spend"),
            in_set(
                "breakdown_value",
                settings.tiers,
                "The tier breakdown uses the configured tiers.",
                where=(("breakdown", "==", "tier"),),
            ),
        ],
        key="pipeline_metric_id",
    )
    legacy_threshold = settings.var("legacy_mql_threshold")
    legacy = _mart(
        "legacy_mql_audit",
        [
            _tier_in_playbooks(settings),
            at_least("legacy_points", "noise_points", "Noise points are part of the points."),
            probability("noise_share", "The noise share of the points"),
            between(
                "legacy_points",
                f"A legacy MQL reaches the var legacy_mql_threshold ({legacy_threshold} points).",
                where=(("is_legacy_mql", "==", True),),
                min_value=legacy_threshold,
            ),
            in_set(
                "legacy_category",
                [LEGACY_NOT_MQL],
                "A person below the legacy threshold is not_legacy_mql.",
                where=(("is_legacy_mql", "==", False),),
            ),
            not_in_set(
                "legacy_category",
                [LEGACY_NOT_MQL],
                "A legacy MQL is categorised by what mqx makes of it.",
                where=(("is_legacy_mql", "==", True),),
            ),
        ],
        key="person_id",
    )
    history = _mart(
        "tier_history",
        [
            unique_together(
                ("unit_type", "unit_id", "as_of_date"),
                "A unit holds exactly one tier on each as-of date.",
            ),
            _tier_in_playbooks(settings),
            probability("p_in_market", "P(in-market)"),
            _excluded_in_none(),
        ],
        key="tier_history_id",
    )
    rejection = _mart(
        "rejection_feedback",
        [
            probability("rejection_rate", "A rejection rate"),
            probability("reason_share", "A reason's share of rejections"),
            at_least("leads", "rejected_leads", "Rejected leads are among the leads."),
        ],
        key="rejection_feedback_id",
    )
    entries = _mart(
        "tier_entries",
        [
            unique_together(
                ("unit_type", "unit_id", "tier", "spell_start_date"),
                "A unit enters a tier once per unbroken run of weeks in it.",
            ),
            _tier_in_playbooks(settings),
            between("weeks_in_tier", "An entry spans at least one weekly date.", min_value=1),
            at_least("spell_end_date", "spell_start_date", "A run in a tier ends after it starts."),
            *(
                at_least(
                    outcome,
                    "tier_entered_at",
                    f"{what} counted for an entry is at or after the entry.",
                )
                for outcome, what in (
                    ("first_touch_at", "The first touch"),
                    ("first_meeting_at", "The first meeting"),
                    ("first_opportunity_at", "The first opportunity"),
                )
            ),
            at_least(
                "opportunities_within_window",
                "won_within_window",
                "Won opportunities are among the entry's opportunities.",
            ),
            in_set(
                "has_opportunity_within_window",
                [True],
                "An entry won within the window had an opportunity within it.",
                where=(("is_won_within_window", "==", True),),
            ),
        ],
        key="tier_entry_id",
    )
    transitions = _mart(
        "tier_transitions",
        [
            unique_together(
                ("unit_type", "unit_id", "transition_date"),
                "A unit changes tier at most once per as-of date.",
            ),
            pairs_in(
                "from_tier",
                "to_tier",
                [(a, b) for a in settings.tiers for b in settings.tiers if a != b],
                "A transition moves between two different configured tiers.",
            ),
            in_set(
                "from_tier",
                [NONE],
                "Before the first as-of date every unit is taken to be in tier none.",
                where=(("is_history_start", "==", True),),
            ),
        ],
        key="tier_transition_id",
    )
    sla_by_owner = _mart(
        "sla_compliance_by_owner",
        [
            unique_together(("tier", "owner_id"), "One row per tier and owner."),
            in_set("tier", routed, "Only tiers with an SLA in seed playbooks are measured."),
            _sla_pairs(settings),
            same(
                "entries",
                "entries_met_breached_or_open",
                "Every entry is met, breached or still open.",
            ),
            probability("share_within_sla", "The share of entries touched within the SLA"),
        ],
        key="sla_owner_id",
        extra_sql=(
            ",\n    mart.entries_met + mart.entries_breached + mart.entries_open"
            " as entries_met_breached_or_open"
        ),
    )
    legacy_summary = _mart(
        "legacy_mql_summary",
        [
            unique_together(("view_name", "group_value"), "One row per view and group."),
            in_set(
                "view_name",
                ["run_date_category", "tier_at_first_mql"],
                "The summary has two views: run_date_category and tier_at_first_mql.",
            ),
            in_set(
                "group_value",
                settings.tiers,
                "tier_at_first_mql groups by the configured tiers.",
                where=(("view_name", "==", "tier_at_first_mql"),),
            ),
            not_in_set(
                "group_value",
                [LEGACY_NOT_MQL],
                "run_date_category counts only legacy MQLs.",
                where=(("view_name", "==", "run_date_category"),),
            ),
            probability("noise_share", "The noise share of the points"),
            probability("conversion_rate", "A conversion rate"),
            at_least(
                "people",
                "people_window_complete",
                "People whose window has elapsed are among the group.",
            ),
            at_least(
                "people_window_complete",
                "people_converted",
                "Converted people are among those whose window has elapsed.",
            ),
        ],
        key="legacy_mql_summary_id",
    )
    tier_marts = [tier_mart_suite(settings, tier) for tier in TIER_MARTS]
    return [
        tier_assignments,
        *tier_marts,
        accounts,
        people,
        signals,
        ev_thresholds,
        calibration,
        conversion,
        sla,
        pipeline,
        legacy,
        history,
        rejection,
        entries,
        transitions,
        sla_by_owner,
        legacy_summary,
    ]


def cross_mart_suites(settings: Settings) -> list[Suite]:
    unit = settings.var("mqx_unit")
    window = settings.var("hand_raise_window_days")
    tier_union = "\n    union all\n    ".join(
        f"select tier_assignment_id, '{mart}' as mart from {MARTS}.{mart}"
        for mart in TIER_MARTS.values()
    )
    mart_of_tier = " ".join(f"when '{tier}' then '{mart}'" for tier, mart in TIER_MARTS.items())
    exclusivity = Suite(
        name="cross_mart.tier_exclusivity",
        reads=(*(f"{MARTS}.{mart}" for mart in TIER_MARTS.values()), f"{MARTS}.tier_assignments"),
        key="tier_assignment_id",
        sql=f"""
with tier_marts as (
    {tier_union}
),
routed as (
    select tier_assignment_id, tier
    from {MARTS}.tier_assignments
    where unit_type = '{unit}' and tier in ({", ".join(f"'{t}'" for t in TIER_MARTS)})
),
units as (
    select tier_assignment_id from tier_marts
    union
    select tier_assignment_id from routed
)
select
    units.tier_assignment_id,
    count(tier_marts.mart) as tier_mart_rows,
    string_agg(tier_marts.mart, ', ' order by tier_marts.mart) as tier_marts,
    any_value(case routed.tier {mart_of_tier} end) as mart_of_assigned_tier
from units
left join tier_marts on units.tier_assignment_id = tier_marts.tier_assignment_id
left join routed on units.tier_assignment_id = routed.tier_assignment_id
group by units.tier_assignment_id
""",
        checks=(
            between(
                "tier_mart_rows",
                f"A routed {unit} is in exactly one of hand_raisers, mqx and mex.",
                min_value=1,
                max_value=1,
            ),
            same(
                "tier_marts",
                "mart_of_assigned_tier",
                "A unit is in the tier table of its tier in tier_assignments (and a unit in "
                "a tier table is assigned that tier).",
            ),
        ),
    )
    requests = Suite(
        name="cross_mart.hand_raise_requests",
        reads=(f"{MARTS}.tier_assignments", f"{MARTS}.signals"),
        key="tier_assignment_id",
        sql=f"""
select
    assignments.tier_assignment_id,
    any_value(assignments.tier) as tier,
    any_value(assignments.is_excluded) as is_excluded,
    count(signals.unit_signal_id) as hand_raise_requests
from {MARTS}.tier_assignments as assignments
left join {MARTS}.signals as signals
    on assignments.unit_type = signals.unit_type
        and assignments.unit_id = signals.unit_id
        and signals.signal_class = '{HAND_RAISE_CLASS}'
        and signals.age_days <= {int(window)}
group by assignments.tier_assignment_id
""",
        checks=(
            between(
                "hand_raise_requests",
                f"No hand-raiser without a request: a hand_raise signal within "
                f"hand_raise_window_days ({window}) in marts.signals.",
                where=(("tier", "==", HAND_RAISER),),
                min_value=1,
            ),
            between(
                "hand_raise_requests",
                f"A request within {window} days makes a hand-raiser unless the unit is "
                "disqualified: none is left in another tier.",
                where=(("tier", "!=", HAND_RAISER), ("is_excluded", "==", False)),
                min_value=0,
                max_value=0,
            ),
        ),
    )
    ledger = Suite(
        name="cross_mart.reason_ledger",
        reads=(f"{MARTS}.tier_assignments", f"{MARTS}.signals"),
        key="tier_assignment_id",
        sql=f"""
with ledger as (
    select
        unit_type,
        unit_id,
        sum(decayed_weight) filter (where signal_class <> '{ENGAGEMENT_CLASS}') as intent,
        sum(decayed_weight) filter (where signal_class = '{ENGAGEMENT_CLASS}') as engagement
    from {MARTS}.signals
    group by unit_type, unit_id
)
select
    assignments.tier_assignment_id,
    assignments.intent_score - coalesce(ledger.intent, 0) as intent_score_minus_ledger,
    assignments.engagement_score - coalesce(ledger.engagement, 0)
        as engagement_score_minus_ledger
from {MARTS}.tier_assignments as assignments
left join ledger
    on assignments.unit_type = ledger.unit_type and assignments.unit_id = ledger.unit_id
""",
        checks=(
            near_zero(
                "intent_score_minus_ledger",
                SCORE_TOLERANCE,
                "A unit's intent score is the sum of its non-engagement signals' decayed "
                "weights in marts.signals.",
            ),
            near_zero(
                "engagement_score_minus_ledger",
                SCORE_TOLERANCE,
                "A unit's engagement score is the sum of its engagement signals' decayed "
                "weights in marts.signals.",
            ),
        ),
    )
    history = Suite(
        name="cross_mart.run_date_history",
        reads=(f"{MARTS}.tier_assignments", f"{MARTS}.tier_history"),
        key="tier_assignment_id",
        sql=f"""
select
    assignments.tier_assignment_id,
    assignments.tier,
    coalesce(history.tier, '{NONE}') as tier_in_history
from {MARTS}.tier_assignments as assignments
left join (
    select unit_type, unit_id, tier from {MARTS}.tier_history where is_run_date
) as history
    on assignments.unit_type = history.unit_type and assignments.unit_id = history.unit_id
""",
        checks=(
            same(
                "tier",
                "tier_in_history",
                "Today's tier is the run date's tier in tier_history (absent = none).",
            ),
        ),
    )
    breakdowns = Suite(
        name="cross_mart.pipeline_breakdowns",
        reads=(f"{MARTS}.pipeline_metrics",),
        key="breakdown_month",
        sql=f"""
with sums as (
    select
        metric_month,
        breakdown,
        sum(opportunities_created) as opportunities_created,
        sum(pipeline_usd) as pipeline_usd,
        sum(won_usd) as won_usd
    from {MARTS}.pipeline_metrics
    group by metric_month, breakdown
),
totals as (select * from sums where breakdown = 'total'),
breakdowns as (select distinct breakdown from sums where breakdown <> 'total')
select
    breakdowns.breakdown || ':' || totals.metric_month as breakdown_month,
    coalesce(sums.opportunities_created, 0) - totals.opportunities_created
        as opportunities_created_minus_total,
    coalesce(sums.pipeline_usd, 0) - totals.pipeline_usd as pipeline_usd_minus_total,
    coalesce(sums.won_usd, 0) - coalesce(totals.won_usd, 0) as won_usd_minus_total
from totals
cross join breakdowns
left join sums
    on sums.metric_month = totals.metric_month and sums.breakdown = breakdowns.breakdown
""",
        checks=(
            near_zero(
                "opportunities_created_minus_total",
                0,
                "Each breakdown counts every New Business opportunity of the month once.",
            ),
            near_zero(
                "pipeline_usd_minus_total",
                MONEY_TOLERANCE_USD,
                "Each breakdown's pipeline adds up to the month's total.",
            ),
            near_zero(
                "won_usd_minus_total",
                MONEY_TOLERANCE_USD,
                "Each breakdown's revenue won adds up to the month's total.",
            ),
        ),
    )
    return [exclusivity, requests, ledger, history, breakdowns]


def build_suites(settings: Settings) -> list[Suite]:
    """Every suite: one per public mart, then the cross-mart rules."""
    return mart_suites(settings) + cross_mart_suites(settings)


# --------------------------------------------------------------------------- validation


@dataclass
class SuiteOutcome:
    """How one suite went: rows validated, expectations evaluated and the failures."""

    suite: Suite
    rows: int
    evaluated: int
    failures: list[str]

    @property
    def passed(self) -> int:
        return self.evaluated - len(self.failures)


@dataclass
class Report:
    outcomes: list[SuiteOutcome]
    docs_index: Path | None

    @property
    def success(self) -> bool:
        return all(not outcome.failures for outcome in self.outcomes)

    @property
    def failures(self) -> list[str]:
        return [failure for outcome in self.outcomes for failure in outcome.failures]


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Keep Great Expectations' deprecation warnings and log lines off the console."""
    logger = logging.getLogger("great_expectations")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return type(value)(_plain(item) for item in value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value.item() if hasattr(value, "item") else value


def _describe_failure(suite: Suite, check: Check, result: Any) -> str:
    config = result.expectation_config
    arguments = {
        key: value
        for key, value in check.kwargs.items()
        if key not in ("column", "column_A", "column_B", "column_list")
    }
    shown = ", ".join(f"{key}={value!r}" for key, value in arguments.items())
    columns = ", ".join(check.columns) or "(table)"
    where = f" where {check.where_text}" if check.where else ""
    detail = result.result or {}
    found = []
    if result.exception_info and result.exception_info.get("raised_exception"):
        found.append(f"could not be evaluated: {result.exception_info.get('exception_message')}")
    if detail.get("observed_value") is not None:
        found.append(f"observed {_plain(detail['observed_value'])!r}")
    if detail.get("unexpected_count"):
        rows = detail.get("element_count")
        text = f"{detail['unexpected_count']} of {rows} rows fail" if rows else "unexpected"
        samples = _plain(detail.get("partial_unexpected_list") or [])[:5]
        if samples:
            text += f", e.g. {samples}"
        index = detail.get("partial_unexpected_index_list") or []
        keys = [_plain(row.get(suite.key)) for row in index if isinstance(row, dict)][:5]
        if keys:
            text += f" ({suite.key} {keys})"
        found.append(text)
    if detail.get("partial_missing_list"):
        found.append(f"missing {_plain(detail['partial_missing_list'])}")
    if not found:
        found.append(f"result {_plain(detail)!r}")
    reads = "" if suite.reads == (suite.name,) else f" [reads {', '.join(suite.reads)}]"
    return (
        f"{suite.name}{reads}: column {columns}{where}: {config.type}({shown}) failed: "
        f"{'; '.join(found)}. Rule: {check.why}"
    )


def _load(con: duckdb.DuckDBPyConnection, suite: Suite):
    try:
        return con.sql(suite.sql).df()
    except duckdb.CatalogException as error:
        raise ExpectationsError(
            f"{suite.name}: a table it reads ({', '.join(suite.reads)}) is missing "
            f"({str(error).splitlines()[0]}); {BUILD_HINT}"
        ) from error
    except duckdb.BinderException as error:
        # dbt's views name their tables in the catalog dbt opened the file under
        raise ExpectationsError(
            f"{suite.name}: cannot read {', '.join(suite.reads)} "
            f"({str(error).splitlines()[0]}): open the warehouse dbt built under its own "
            "file name (a view names its tables with it)"
        ) from error


def _row_condition(where: Where, column_class: Any) -> Any:
    """The GE Condition for (column, op, value) triples that must all hold."""
    combined = None
    for column, op, value in where:
        target = column_class(column)
        if op == "==":
            part = target == value
        elif op == "!=":
            part = target != value
        elif op == "in":
            part = target.is_in(value)
        else:
            raise ValueError(f"row condition operator {op!r} is not one of ==, != or in")
        combined = part if combined is None else combined & part
    return combined


def _clear_docs(docs_dir: Path) -> None:
    """Drop the pages of an earlier run (only the site's own files and folders)."""
    for name in ("expectations", "validations", "static"):
        shutil.rmtree(docs_dir / name, ignore_errors=True)
    (docs_dir / "index.html").unlink(missing_ok=True)


def validate(
    duckdb_path: Path,
    docs_dir: Path | None,
    variables: dict[str, Any],
) -> Report:
    """Validate every suite against the warehouse and (optionally) build Data Docs."""
    if not duckdb_path.is_file():
        raise ExpectationsError(f"warehouse {duckdb_path} not found: {BUILD_HINT}")
    try:
        connection = duckdb.connect(str(duckdb_path), read_only=True)
    except duckdb.IOException as error:
        raise ExpectationsError(
            f"cannot open {duckdb_path} read-only ({str(error).splitlines()[0]}); is a "
            "dbt build still writing it?"
        ) from error
    with connection as con:
        settings = read_settings(con, variables)
        suites = build_suites(settings)
        frames = {suite.name: _load(con, suite) for suite in suites}

    with _quiet():
        import great_expectations as gx
        import great_expectations.expectations as gxe
        from great_expectations.data_context.types.base import ProgressBarsConfig
        from great_expectations.expectations.row_conditions import Column

        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(
            globally=False, metric_calculations=False
        )
        if docs_dir is not None:
            docs_dir.mkdir(parents=True, exist_ok=True)
            _clear_docs(docs_dir)
            context.add_data_docs_site(
                SITE_NAME,
                {
                    "class_name": "SiteBuilder",
                    "show_how_to_buttons": False,
                    "store_backend": {
                        "class_name": "TupleFilesystemStoreBackend",
                        "base_directory": str(docs_dir.resolve()),
                    },
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                },
            )
        source = context.data_sources.add_pandas(DATASOURCE_NAME)

        outcomes = []
        for suite in suites:
            frame = frames[suite.name]
            gx_suite = context.suites.add(gx.ExpectationSuite(name=suite.name))
            for position, check in enumerate(suite.checks):
                kwargs = dict(check.kwargs)
                if check.where:
                    kwargs["row_condition"] = _row_condition(check.where, Column)
                meta = {"rule": check.why, "reads": list(suite.reads), CHECK_META: position}
                if check.where:
                    meta["where"] = check.where_text
                gx_suite.add_expectation(
                    getattr(gxe, check.expectation)(**kwargs, meta=meta, notes=check.why)
                )
            asset = source.add_dataframe_asset(name=suite.name)
            batch = asset.add_batch_definition_whole_dataframe(f"{suite.name} (whole)")
            definition = context.validation_definitions.add(
                gx.ValidationDefinition(data=batch, suite=gx_suite, name=suite.name)
            )
            result_format = {"result_format": "SUMMARY", "partial_unexpected_count": 5}
            if suite.key in frame.columns:
                result_format["unexpected_index_column_names"] = [suite.key]
            result = definition.run(
                batch_parameters={"dataframe": frame}, result_format=result_format
            )
            # GE does not keep the suite's order: match each result to its check by the
            # position stored in the expectation's meta
            failures = [
                _describe_failure(
                    suite, suite.checks[item.expectation_config.meta[CHECK_META]], item
                )
                for item in result.results
                if not item.success
            ]
            if len(result.results) != len(suite.checks):
                failures.append(
                    f"{suite.name}: {len(suite.checks)} expectations defined but "
                    f"{len(result.results)} evaluated"
                )
            outcomes.append(SuiteOutcome(suite, len(frame), len(result.results), failures))

        docs_index = None
        if docs_dir is not None:
            context.build_data_docs(site_names=[SITE_NAME])
            docs_index = docs_dir / "index.html"
    return Report(outcomes, docs_index)


def render(report: Report) -> str:
    width = max(len(outcome.suite.name) for outcome in report.outcomes)
    lines = []
    for outcome in report.outcomes:
        status = "PASS" if not outcome.failures else "FAIL"
        lines.append(
            f"{status}  {outcome.suite.name:<{width}}  {outcome.passed:>2} passed, "
            f"{len(outcome.failures)} failed  ({outcome.rows:,} rows)"
        )
    total = sum(outcome.evaluated for outcome in report.outcomes)
    failed = len(report.failures)
    lines.append(
        f"{len(report.outcomes)} suites, {total} expectations: {total - failed} passed, "
        f"{failed} failed"
    )
    if report.docs_index is not None:
        lines.append(f"Data Docs: {report.docs_index}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m mqx.expectations",
        description="Validate the public marts of a built warehouse with Great Expectations.",
    )
    parser.add_argument("--duckdb", type=Path, required=True, help="the built DuckDB file")
    parser.add_argument("--docs", type=Path, help="write GE Data Docs (HTML) into this folder")
    parser.add_argument(
        "--project-dir", type=Path, default=PROJECT_DIR, help="where dbt_project.yml is"
    )
    parser.add_argument(
        "--vars", help="dbt vars the build was run with, as YAML: '{mqx_unit: lead}'"
    )
    args = parser.parse_args(argv)
    try:
        variables = project_vars(args.project_dir, args.vars)
        report = validate(args.duckdb, args.docs, variables)
    except ExpectationsError as error:
        print(f"mqx expectations: {error}", file=sys.stderr)
        return 2
    print(render(report))
    if not report.success:
        print(
            "\nFAILED expectations\n" + "\n".join(f"  - {line}" for line in report.failures),
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
