# akhbar: each target creates .venv and installs what it needs; only python3 and make required.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench bench-extraction bench-archive bench-scale clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[browse,export]'
	touch $@

demo: $(VENV)/.installed  ## crawl the bundled sample site into ./demo-archive.db
	$(BIN)/akhbar demo

test: $(VENV)/.installed-dev lint  ## linters, type checks and the full test suite
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(VENV)/.installed-dev  ## crawl -> archive throughput against a synthetic site
	$(BIN)/akhbar bench crawl

bench-extraction: $(VENV)/.installed-dev  ## extraction quality on 181 + 511 real pages vs trafilatura
	$(BIN)/akhbar bench extraction

bench-archive: $(VENV)/.installed-dev  ## archive insert/search/export at 100,000 articles (~3 min, 0.9 GB)
	$(BIN)/python -m bench.archive_bench --articles 100000

bench-scale: $(VENV)/.installed-dev  ## 1 vs 2 distributed workers (needs redis-server)
	$(BIN)/akhbar bench scale

clean:
	rm -rf $(VENV) demo-archive.db* .pytest_cache .mypy_cache .ruff_cache
