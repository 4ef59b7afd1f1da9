"""The project's shape, checked on dbt's manifest in the spirit of dbt-project-evaluator:
the folders are the DAG, only staging reads sources, every model is documented and has
a primary-key test."""

from __future__ import annotations

import json

import pytest
from dbt_harness import run_dbt

LAYERS = {"staging": 0, "intermediate": 1, "marts": 2}
PREFIXES = {"staging": ("stg_", "base_"), "intermediate": ("int_",), "marts": ()}


@pytest.fixture(scope="module")
def manifest(small_world_build) -> dict:
    return small_world_build.manifest()


def _models(manifest: dict) -> dict[str, dict]:
    return {
        uid: node
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["package_name"] == "mqx"
    }


def _layer(node: dict) -> str:
    return node["original_file_path"].split("/")[1]


def test_every_model_lives_in_a_layer_folder(manifest):
    misplaced = [
        n["original_file_path"] for n in _models(manifest).values() if _layer(n) not in LAYERS
    ]
    assert not misplaced


def test_only_staging_base_models_read_sources(manifest):
    offenders = [
        node["name"]
        for node in _models(manifest).values()
        if any(dep.startswith("source.") for dep in node["depends_on"]["nodes"])
        and not (_layer(node) == "staging" and node["name"].startswith("base_"))
    ]
    assert not offenders, f"models reading source() outside staging base models: {offenders}"


def test_each_source_table_has_exactly_one_staging_child(manifest):
    children: dict[str, list[str]] = {uid: [] for uid in manifest["sources"]}
    for node in _models(manifest).values():
        for dep in node["depends_on"]["nodes"]:
            if dep in children:
                children[dep].append(node["name"])
    wrong = {uid: kids for uid, kids in children.items() if len(kids) != 1}
    assert not wrong, f"source tables without exactly one child: {wrong}"


def test_no_model_refs_a_later_layer(manifest):
    models = _models(manifest)
    backwards = []
    for node in models.values():
        for dep in node["depends_on"]["nodes"]:
            if dep in models and LAYERS[_layer(models[dep])] > LAYERS[_layer(node)]:
                backwards.append(f"{node['name']} -> {models[dep]['name']}")
    assert not backwards


def test_model_names_match_their_folders(manifest):
    wrong = []
    for node in _models(manifest).values():
        layer, name = _layer(node), node["name"]
        parts = node["original_file_path"].split("/")
        if layer == "marts":
            if name.startswith(("stg_", "int_", "base_")):
                wrong.append(name)
            continue
        if not name.startswith(PREFIXES[layer]):
            wrong.append(name)
        if layer == "staging":
            source_folder = parts[2]
            if f"_{source_folder}__" not in name:
                wrong.append(f"{name} (folder {source_folder})")
            if name.startswith("base_") != (len(parts) > 4 and parts[3] == "base"):
                wrong.append(f"{name} (base models live in base/)")
    assert not wrong, f"names that do not match their folder: {wrong}"


def test_every_model_and_column_is_described(manifest):
    undescribed = []
    for node in _models(manifest).values():
        if not node["description"].strip():
            undescribed.append(node["name"])
        undescribed += [
            f"{node['name']}.{col}"
            for col, meta in node["columns"].items()
            if not meta["description"].strip()
        ]
    assert not undescribed, f"missing descriptions: {undescribed}"


def test_every_model_has_a_primary_key_test(manifest):
    tests_by_model: dict[str, set[tuple[str, str]]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or "test_metadata" not in node:
            continue
        name = node["test_metadata"]["name"]
        columns = [node.get("column_name") or ""]
        if name == "not_null_columns":
            # a model's not-null columns checked together count as not_null on each
            name, columns = "not_null", node["test_metadata"]["kwargs"]["column_names"]
        for dep in node["depends_on"]["nodes"]:
            tests_by_model.setdefault(dep, set()).update((name, column) for column in columns)
    missing = []
    for uid, node in _models(manifest).items():
        tests = tests_by_model.get(uid, set())
        unique_cols = {col for name, col in tests if name == "unique"}
        not_null_cols = {col for name, col in tests if name == "not_null"}
        combo = any(name == "unique_combination_of_columns" for name, _ in tests)
        if not (unique_cols & not_null_cols) and not combo:
            missing.append(node["name"])
    assert not missing, f"models without a unique + not_null primary key test: {missing}"


@pytest.fixture(scope="module")
def docs(small_world_build) -> dict:
    """`dbt docs generate` on the built small world: the lineage site and its catalog."""
    result = run_dbt(["docs", "generate"], small_world_build.raw_root, small_world_build.workdir)
    assert result.success, result.error
    return json.loads((small_world_build.target_path / "catalog.json").read_text())


def test_docs_site_is_generated(docs, small_world_build):
    assert (small_world_build.target_path / "index.html").stat().st_size > 0
    assert any(uid.startswith("model.mqx.") for uid in docs["nodes"])


def test_every_built_column_is_described(docs, manifest):
    """Against what the warehouse really holds (dbt's catalog), not only what the YAML
    lists: every column of every stg_, int_ and mart model has a description. (base_
    models carry raw parsing columns and are described at the model level.)"""
    models = _models(manifest)
    undescribed = []
    for uid, entry in docs["nodes"].items():
        node = models.get(uid)
        if node is None or node["name"].startswith("base_"):
            continue
        for column in entry["columns"]:
            described = node["columns"].get(column.lower(), {}).get("description", "")
            if not described.strip():
                undescribed.append(f"{node['name']}.{column}")
    assert not undescribed, f"columns built but not described: {undescribed}"
