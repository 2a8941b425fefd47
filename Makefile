# Two commands do all set-up: `make run` (sample extracts → warehouse → checks → published
# marts → report) and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint sample ui bench bench-ingest bench-nights clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	@test -d "$${CCHC_LANDING_DIR:-data/landing}" || $(BIN)/cchc sample
	$(BIN)/cchc run || [ $$? -eq 4 ]  # 4: published, with warnings (README)

# An older DuckDB beside the project's own: the tests open the published file with it.
OLD_DUCKDB := .ci/duckdb-1.1
$(OLD_DUCKDB)/bin/python:
	$(PYTHON) -m venv $(OLD_DUCKDB)
	$(OLD_DUCKDB)/bin/pip install --quiet "duckdb>=1.1,<1.2"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python .ci/namespace_tree.py . .mypy_cache/namespace  # what mypy reads
	$(BIN)/mypy  # files and settings: [tool.mypy] in pyproject.toml
	cd dbt_project && ../$(BIN)/sqlfluff lint models tests macros --processes 1  # .sqlfluff

test: lint $(OLD_DUCKDB)/bin/python
	$(BIN)/python -c "from cchc.orchestration.dbt_manifest import ensure_manifest as m; m()"
	$(BIN)/python -m pytest -q -n 2 --dist loadfile  # runs are single-threaded: 2 at once

sample: $(STAMP)
	$(BIN)/cchc sample

ui: $(STAMP)
	DAGSTER_HOME=$${DAGSTER_HOME:-$(CURDIR)/data/dagster} \
	DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS=true DAGSTER_EVENT_BATCH_SIZE=1000 \
	$(BIN)/dagster dev -w workspace.yaml  # see orchestration/instance.py

# Benchmarks are separate commands, never part of the tests (bench/RESULTS.md).
bench: $(STAMP)
	$(BIN)/python bench/scale.py

bench-ingest: $(STAMP)
	$(BIN)/python bench/ingest.py

# Disk over a year of nights (≈ 3 hours); --nights N for a shorter series.
bench-nights: $(STAMP)
	$(BIN)/python bench/nights.py

clean:
	rm -rf data
