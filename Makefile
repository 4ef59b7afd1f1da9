# mqx: two commands for a newcomer (see README):
#   make demo   set up, generate the demo world, build everything, print the summary
#   make test   set up, lint, and run every test
# Both create the virtual environment on first use; only python3 is needed.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export DBT_PROFILES_DIR := $(CURDIR)
export PYTHONPATH := $(CURDIR)/python
export MQX_RAW_ROOT ?= $(CURDIR)/data/raw
export MQX_DUCKDB_PATH ?= $(CURDIR)/data/mqx.duckdb
export MQX_DUCKDB_TEMP_DIR ?= $(CURDIR)/data/duckdb_tmp

# The production build (demo, build, scheduled, bench): models, seeds, snapshots and data
# tests. dbt's unit tests check the SQL, not the data, so they run in `make test` (every
# pytest build includes them), not in every daily run (~5 s of the demo's build).
DBT_BUILD := $(BIN)/dbt build --exclude-resource-type unit_test

DEMO_ACCOUNTS ?= 2000
DEMO_SEED ?= 7

.PHONY: help setup demo world build summary evaluate test lint format docs clean bench expectations

help:
	@echo "make demo    generate a demo world ($(DEMO_ACCOUNTS) accounts), dbt build, summary"
	@echo "make test    ruff, sqlfluff and pytest (incl. dbt build on generated and Fivetran data)"
	@echo "make world   only generate the demo world into $(MQX_RAW_ROOT)"
	@echo "make build   only dbt build on what is in $(MQX_RAW_ROOT), then publish"
	@echo "make publish copy the marts to data/mqx_bi.duckdb for BI tools (atomic swap)"
	@echo "make freshness  dbt source freshness: fails when a feed is stale"
	@echo "make scheduled  for the orchestrator: freshness, then build and publish only if fresh"
	@echo "make evaluate  decision quality of the demo against the world's truth"
	@echo "make docs    dbt docs generate (target/index.html)"
	@echo "make expectations  Great Expectations suite over the marts of $(MQX_DUCKDB_PATH), Data Docs in data/expectations_docs"
	@echo "make bench   time generate, dbt build, dbt run vs a lower bound (BENCH_SIZES=$(BENCH_SIZES))"

setup: $(STAMP)

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

demo: $(STAMP)
	@mkdir -p data
	$(BIN)/python -m mqx.world --accounts $(DEMO_ACCOUNTS) --seed $(DEMO_SEED) \
		--out $(MQX_RAW_ROOT) --truth $(CURDIR)/data/truth --force
	$(DBT_BUILD)
	$(BIN)/python -m mqx.publish
	$(BIN)/python -m mqx.summary

world: $(STAMP)
	$(BIN)/python -m mqx.world --accounts $(DEMO_ACCOUNTS) --seed $(DEMO_SEED) \
		--out $(MQX_RAW_ROOT) --truth $(CURDIR)/data/truth --force

build: $(STAMP)
	@mkdir -p data
	$(DBT_BUILD)
	$(BIN)/python -m mqx.publish

# BI tools read data/mqx_bi.duckdb (read-only), never dbt's work file: publish copies the
# marts into a new file and swaps it in atomically (python/mqx/publish.py).
.PHONY: publish
publish: $(STAMP)
	$(BIN)/python -m mqx.publish

# For the orchestrator. `dbt source freshness` lands the raw files first (its
# on-run-start hook) and fails when a feed is stale, so make stops there: the tiers are
# not rebuilt and nothing is published from stale data.
.PHONY: freshness scheduled
freshness: $(STAMP)
	@mkdir -p data
	$(BIN)/dbt source freshness

scheduled: freshness
	$(DBT_BUILD)
	$(BIN)/python -m mqx.publish

summary: $(STAMP)
	$(BIN)/python -m mqx.summary

evaluate: $(STAMP)
	$(BIN)/python -m mqx.evaluate --duckdb $(MQX_DUCKDB_PATH) --truth $(CURDIR)/data/truth

lint: $(STAMP)
	$(BIN)/ruff check python tests .sqlfluff_lib
	$(BIN)/ruff format --check python tests .sqlfluff_lib
	$(BIN)/sqlfluff lint models tests/staging tests/intermediate tests/marts --processes 2

format: $(STAMP)
	$(BIN)/ruff format python tests .sqlfluff_lib
	$(BIN)/sqlfluff fix models tests/staging tests/intermediate tests/marts --processes 2

test: lint
	$(BIN)/python -m pytest

docs: $(STAMP)
	$(BIN)/dbt docs generate

# after `make demo` or `make build`: validate the marts, write GE Data Docs
expectations: $(STAMP)
	$(BIN)/python -m mqx.expectations --duckdb $(MQX_DUCKDB_PATH) \
		--docs $(CURDIR)/data/expectations_docs

clean:
	rm -rf target logs data .pytest_cache

BENCH_SIZES ?= S
# BENCH_SIZES=L alone takes ~70 min and up to ~55 GB of disk under data/bench/L (its
# 35 GB warehouse and DuckDB's spill); it writes bench/results-L.md.
BENCH_OUT ?= bench/results$(if $(filter L,$(BENCH_SIZES)),-L).md

bench: $(STAMP)
	$(BIN)/python -m mqx.bench --sizes $(BENCH_SIZES) --out $(BENCH_OUT)
