# Oivallus: `make run` sets everything up and starts the app; `make test` sets up and tests
# everything; `make check` is the quick loop (lint, types, the tests without the real model,
# a browser or PostgreSQL).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DB ?= data/oivallus.duckdb
PORT ?= 8501
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup voikko postgres run test check lint format demo browser bench bench-chroma clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch first and pinned: pip then takes the CPU build instead of several GB of CUDA.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

setup: voikko $(VENV)/.installed

# Voikko (Finnish lemmas and compound words) comes from Debian; its Python binding from PyPI.
# So do the Finnish-English dictionaries that let words count across languages (FreeDict).
voikko:
	@ls /usr/lib/*/libvoikko.so.1 /usr/lib/libvoikko.so.1 2>/dev/null | grep -q . && \
		[ -d /usr/lib/voikko/5 ] && [ -f /usr/share/dictd/freedict-fin-eng.index ] && \
		[ -f /usr/share/dictd/freedict-eng-fin.index ] || { \
		$(SUDO) apt-get update -q && \
		$(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -q libvoikko1 voikko-fi \
			dict-freedict-fin-eng dict-freedict-eng-fin; }

demo: setup
	$(PY) -m ingest.demo --db $(DB)

run: demo
	$(PY) -m ingest.accounts --db $(DB)
	OIVALLUS_DB=$(DB) $(PY) -m views.serve --server.port $(PORT)

# Debian's chromium for the real-browser tests (never `playwright install`).
browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -q && \
		$(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

# Debian's PostgreSQL server binaries for the tests of the shared-database mode (the tests start
# a throwaway server of their own; nothing is left running).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(SUDO) apt-get update -q && \
		$(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; }

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: setup browser postgres lint
	$(PY) -m pytest -q

# The tiers are marked in tests/conftest.py: slow (the real model), browser, postgres.
check: setup lint
	$(PY) -m pytest -q -m "not slow and not browser and not postgres"

bench: setup
	$(PY) benchmarks/eval_quality.py
	$(PY) benchmarks/eval_languages.py
	$(PY) benchmarks/eval_pool.py
	$(PY) benchmarks/bench_speed.py
	$(PY) benchmarks/upload_memory.py

# ChromaDB beside Oivallus's vector index (issue 13); ChromaDB lives in its own environment.
.venv-chroma/.installed:
	$(PYTHON) -m venv .venv-chroma
	.venv-chroma/bin/pip install -q chromadb==1.5.9
	touch $@

bench-chroma: setup .venv-chroma/.installed
	$(PY) benchmarks/bench_chroma.py --chroma-python .venv-chroma/bin/python

clean:
	rm -rf $(VENV) .venv-chroma tests/artifacts .pytest_cache
