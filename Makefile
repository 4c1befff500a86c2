# Everything a fresh machine needs: a venv, torch (CPU build) first, then the project.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml Makefile | sha256sum | cut -c1-12)
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install system-deps index run test lint bench clean

$(STAMP): pyproject.toml Makefile
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test,llm,bench]'
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

# Debian packages the browser tests need (headless Chromium).
system-deps:
	@command -v chromium >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

index: install
	$(BIN)/assistant index

run: index
	$(BIN)/assistant serve

lint: install
	$(BIN)/ruff check assistant tests $(wildcard benchmarks)
	$(BIN)/ruff format --check assistant tests $(wildcard benchmarks)

test: install system-deps lint
	$(BIN)/pytest

bench: install
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) index/chroma.sqlite3 index/*-*-*-*-* evals/reports
