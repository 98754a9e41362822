# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INDEX ?= var/index

.PHONY: run test lint bench clean

# The assistant itself (and the optional LLM client); the test set-up adds torch (CPU build), linters, pytest.
$(VENV)/.run-deps: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[llm]'
	touch $@

$(VENV)/.test-deps: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[llm,st,dev]'
	touch $@ $(VENV)/.run-deps

run: $(VENV)/.run-deps
	$(BIN)/reportqa index corpus/samples --index $(INDEX)
	$(BIN)/reportqa chat --index $(INDEX)

lint: $(VENV)/.test-deps
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

bench: $(VENV)/.run-deps
	$(BIN)/reportqa bench --out var/bench

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
