# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INDEX ?= var/index

.PHONY: run test lint browser system-libs cjk-font bench clean

# The assistant itself (and the optional LLM client); the test set-up adds torch (CPU build), linters, pytest.
$(VENV)/.run-deps: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[llm,ui]'
	touch $@

$(VENV)/.test-deps: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[llm,ui,st,dev]'
	touch $@ $(VENV)/.run-deps

# OCR runs OpenCV (from rapidocr-onnxruntime), which needs libGL and GLib from Debian.
system-libs:
	@ldconfig -p | grep -q 'libGL\.so\.1 ' && ldconfig -p | grep -q 'libgthread-2\.0\.so\.0 ' || { \
	  apt-get update -qq && apt-get install -y -qq libgl1 libglib2.0-0 >/dev/null; }

# The OCR and PDF tests draw report pages with WenQuanYi Zen Hei.
cjk-font:
	@test -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc || { \
	  apt-get update -qq && apt-get install -y -qq fonts-wqy-zenhei >/dev/null; }

run: $(VENV)/.run-deps system-libs
	$(BIN)/reportqa index corpus/samples --index $(INDEX)
	$(BIN)/reportqa serve --index $(INDEX)

lint: $(VENV)/.test-deps
	$(BIN)/ruff check .
	$(BIN)/mypy

# Browser tests use Debian's chromium (never a downloaded browser) and CJK fonts for readable screenshots.
browser:
	@test -x /usr/bin/chromium && fc-list :lang=zh | grep -q . || { \
	  apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null; }
	@test -x /usr/bin/chromium || { echo "chromium is required for the browser tests" >&2; exit 1; }

test: lint browser system-libs cjk-font
	$(BIN)/pytest

bench: $(VENV)/.run-deps
	$(BIN)/reportqa bench --out var/bench

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
