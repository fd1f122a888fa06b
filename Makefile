# Two commands for users: `make report` and `make test`. Everything else is set up on demand.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
# Prefer a uv on PATH; otherwise install a pinned one into .tools with pip.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
VENV := .venv
BIN := $(VENV)/bin
REFERENCE_CACHE := .cache/reference
PYTEST_ARGS ?=

.PHONY: help setup report test test-engines test-workshop bench lint reference-data datasets clean gallery

help:
	@echo "make report   set up, then run every report on the bundled demo data"
	@echo "make test     set up, then run every test (notebooks included)"
	@echo "make test-engines  the Spark and PostgreSQL tests (need Java and a PostgreSQL server)"
	@echo "make test-workshop every lesson in JupyterLab (Chromium) and the offline bundle (slow)"
	@echo "make bench    side-by-side timings against peer libraries and engines (slow)"
	@echo "make lint     ruff"
	@echo "make gallery  screenshots and A4 prints of every demo report (en, de) into gallery/"

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --all-groups --compile-bytecode
	touch $@

setup: $(VENV)/.synced

# Published reference data: ../shared/reference when present, else the copies that the
# lifetimes and lifelines wheels ship (fetched once into a git-ignored cache).
reference-data: | $(UV)
	@if [ -d ../shared/reference ]; then \
		echo "reference data: ../shared/reference"; \
	elif [ ! -f $(REFERENCE_CACHE)/.complete ]; then \
		echo "reference data: fetching the lifetimes and lifelines wheels into $(REFERENCE_CACHE)"; \
		rm -rf .cache/refpkgs && \
		$(UV) pip install --quiet --no-deps --target .cache/refpkgs lifetimes==0.11.3 lifelines==0.30.3 && \
		mkdir -p $(REFERENCE_CACHE)/cdnow $(REFERENCE_CACHE)/survival && \
		cp .cache/refpkgs/lifetimes/datasets/CDNOW_sample.txt \
		   .cache/refpkgs/lifetimes/datasets/cdnow_customers_summary_with_transactions.csv $(REFERENCE_CACHE)/cdnow/ && \
		cp .cache/refpkgs/lifelines/datasets/rossi.csv .cache/refpkgs/lifelines/datasets/g3.csv \
		   .cache/refpkgs/lifelines/datasets/gehan.dat $(REFERENCE_CACHE)/survival/ && \
		touch $(REFERENCE_CACHE)/.complete; \
	fi

datasets: setup
	$(BIN)/mkt datasets generate

report: setup
	$(BIN)/mkt demo

# PNG screenshots (first screen at 1400x900, full page, phone at 390 px) and A4 PDFs of the
# five demo reports in English and German, to review by eye; needs Chromium (playwright).
gallery: setup
	$(BIN)/python -m mkt_engineering.reporting.gallery --out gallery

test: setup reference-data
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The tests that need a tool beyond Python: a local Spark session (Java) and a PostgreSQL
# server (the tests start their own in a temporary folder). Each skips, with the reason, when
# its tool is missing. `-m` here replaces the default "not spark" of pyproject's addopts.
# pytest exits 5 when it collects no test; that means none is marked yet, not a failure.
ENGINE_MARKERS := spark or postgres
test-engines: setup
	@status=0; $(BIN)/python -m pytest tests -m "$(ENGINE_MARKERS)" $(PYTEST_ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "test-engines: no test is marked $(ENGINE_MARKERS)"; status=0; fi; \
	exit $$status

# The workshop end to end: every lesson run in a real JupyterLab in Chromium (English and
# German, student and solved editions, about 15 min), and the offline bundle (downloads the
# locked wheels once, then installs them into a fresh venv with the network off).
test-workshop: setup
	$(BIN)/python -m pytest tests/teaching -m workshop $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Peer libraries live in their own environment so they never become runtime dependencies.
.venv-bench/.ready: benchmarks/requirements.txt benchmarks/requirements-nodeps.txt pyproject.toml | $(UV)
	$(UV) venv --quiet --allow-existing .venv-bench
	$(UV) pip install --quiet --compile-bytecode --python .venv-bench/bin/python -e ".[spark]" -r benchmarks/requirements.txt
	$(UV) pip install --quiet --python .venv-bench/bin/python --no-deps -r benchmarks/requirements-nodeps.txt
	touch $@

bench: .venv-bench/.ready
	.venv-bench/bin/python -m benchmarks.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .venv-bench .tools .cache .pytest_cache .hypothesis
