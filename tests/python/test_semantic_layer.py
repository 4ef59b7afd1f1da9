"""The BI-ready interface, checked on what the session's build wrote: the semantic
manifest (semantic models and the headline metrics) points at marts that really exist,
every metric resolves to real measures, and the public marts carry enforced contracts."""

from __future__ import annotations

import json

import pytest

HEADLINE_METRICS = {
    # tier volumes
    "tier_units": "simple",
    "hand_raisers": "simple",
    "mqx_volume": "simple",
    "mex_volume": "simple",
    # marketing-sales contract
    "mqx_to_opportunity_rate": "ratio",
    "sla_compliance_rate": "ratio",
    # pipeline and efficiency
    "pipeline_created": "simple",
    "revenue_won": "simple",
    "marketing_spend": "simple",
    "marketing_efficiency": "ratio",
}

SEMANTIC_MODELS = {"tier_assignments", "tier_conversion", "pipeline_metrics", "sla_compliance"}

CONTRACTED_MARTS = {
    "tier_assignments": "tier_assignment_id",
    "hand_raisers": "tier_assignment_id",
    "mqx": "tier_assignment_id",
    "mex": "tier_assignment_id",
    "ev_thresholds": "segment",
    "accounts": "account_id",
    "tier_history": "tier_history_id",
    "tier_conversion": "tier_cohort_id",
    "pipeline_metrics": "pipeline_metric_id",
    "sla_compliance": "sla_entry_id",
    "rejection_feedback": "rejection_feedback_id",
    "legacy_mql_audit": "person_id",
}


@pytest.fixture(scope="module")
def semantic_manifest(small_world_build) -> dict:
    path = small_world_build.target_path / "semantic_manifest.json"
    assert path.is_file(), "dbt did not write the semantic manifest"
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def metrics(semantic_manifest) -> dict[str, dict]:
    return {metric["name"]: metric for metric in semantic_manifest["metrics"]}


@pytest.fixture(scope="module")
def measures(semantic_manifest) -> dict[str, str]:
    """Measure name -> the semantic model that defines it."""
    return {
        measure["name"]: model["name"]
        for model in semantic_manifest["semantic_models"]
        for measure in model["measures"]
    }


def _columns(build, schema: str, table: str) -> set[str]:
    rows = build.query(
        "select column_name from information_schema.columns "
        f"where table_schema = '{schema}' and table_name = '{table}'"
    )
    return {name.lower() for (name,) in rows}


def test_every_headline_metric_is_defined(metrics):
    missing = {name for name in HEADLINE_METRICS if name not in metrics}
    assert not missing, f"headline metrics not in the semantic manifest: {missing}"
    wrong_type = {
        name: metrics[name]["type"]
        for name, kind in HEADLINE_METRICS.items()
        if metrics[name]["type"] != kind
    }
    assert not wrong_type, f"headline metrics of the wrong type: {wrong_type}"


def test_every_metric_resolves_to_existing_measures(metrics, measures):
    unresolved = []
    for name, metric in metrics.items():
        params = metric["type_params"]
        inputs = [m["name"] for m in params["input_measures"]]
        if not inputs:
            unresolved.append(f"{name}: no input measures")
        unresolved += [f"{name} -> {m}" for m in inputs if m not in measures]
        if metric["type"] == "simple" and (
            params["measure"] is None or params["measure"]["name"] not in measures
        ):
            unresolved.append(f"{name}: simple metric without a known measure")
        if metric["type"] == "ratio":
            for side in ("numerator", "denominator"):
                if params[side] is None or params[side]["name"] not in metrics:
                    unresolved.append(f"{name}: {side} is not a defined metric")
    assert not unresolved, f"metrics that do not resolve: {unresolved}"


def test_ratio_metrics_read_one_semantic_model(metrics, measures):
    """A rate's numerator and denominator come from the same mart (same grain)."""
    mixed = {}
    for name, metric in metrics.items():
        if metric["type"] != "ratio":
            continue
        models = {measures[m["name"]] for m in metric["type_params"]["input_measures"]}
        if len(models) != 1:
            mixed[name] = models
    assert not mixed, f"ratio metrics mixing semantic models: {mixed}"


def test_semantic_models_point_at_built_marts(semantic_manifest, small_world_build):
    models = {model["name"]: model for model in semantic_manifest["semantic_models"]}
    assert set(models) >= SEMANTIC_MODELS, f"missing: {SEMANTIC_MODELS - set(models)}"
    problems = []
    for name, model in models.items():
        relation = model["node_relation"]
        schema, table = relation["schema_name"], relation["alias"]
        columns = _columns(small_world_build, schema, table)
        if not columns:
            problems.append(f"{name}: {schema}.{table} was not built")
            continue
        # dimensions and entities without an expression name a column of the mart
        for element in [*model["dimensions"], *model["entities"]]:
            column = (element["expr"] or element["name"]).lower()
            if column.isidentifier() and column not in columns:
                problems.append(f"{name}.{element['name']}: no column {column}")
        for measure in model["measures"]:
            column = (measure["expr"] or measure["name"]).lower()
            if column.isidentifier() and column not in columns:
                problems.append(f"{name}.{measure['name']}: no column {column}")
    assert not problems, problems


def test_time_spine_is_built_and_daily(semantic_manifest, small_world_build):
    spines = semantic_manifest["project_configuration"]["time_spines"]
    assert spines, "no time spine in the semantic manifest"
    spine = spines[0]
    assert spine["primary_column"] == {"name": "date_day", "time_granularity": "day"}
    relation = spine["node_relation"]
    days, distinct_days, span = small_world_build.query(
        f"select count(*), count(distinct date_day), max(date_day) - min(date_day) + 1 "
        f'from "{relation["schema_name"]}"."{relation["alias"]}"'
    )[0]
    assert days > 0 and days == distinct_days == span, "the time spine has gaps or repeats"
    # it covers every month the pipeline and conversion marts report on
    uncovered = small_world_build.scalar(
        "select count(*) from ("
        " select metric_month as day from marts.pipeline_metrics"
        " union all select cohort_month from marts.tier_conversion"
        f') as months where day not in (select date_day from "{relation["schema_name"]}".'
        f'"{relation["alias"]}")'
    )
    assert uncovered == 0


def test_public_marts_have_enforced_contracts(small_world_build):
    nodes = {
        node["name"]: node
        for node in small_world_build.manifest()["nodes"].values()
        if node["resource_type"] == "model" and node["package_name"] == "mqx"
    }
    problems = []
    for name, key in CONTRACTED_MARTS.items():
        node = nodes[name]
        if not node["config"]["contract"]["enforced"]:
            problems.append(f"{name}: contract not enforced")
        untyped = [col for col, meta in node["columns"].items() if not meta.get("data_type")]
        if untyped:
            problems.append(f"{name}: no data_type on {untyped}")
        constraints = {c["type"] for c in node["columns"][key].get("constraints", [])}
        if "not_null" not in constraints:
            problems.append(f"{name}.{key}: no not_null constraint")
    tier_columns = list(nodes["tier_assignments"]["columns"])
    for name in ("hand_raisers", "mqx", "mex"):
        if list(nodes[name]["columns"]) != tier_columns:
            problems.append(f"{name}: columns differ from tier_assignments")
        types = {c: m["data_type"] for c, m in nodes[name]["columns"].items()}
        expected = {c: m["data_type"] for c, m in nodes["tier_assignments"]["columns"].items()}
        if types != expected:
            problems.append(f"{name}: data types differ from tier_assignments")
    assert not problems, problems
