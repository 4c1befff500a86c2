# Everything a fresh machine needs: a venv, torch (CPU build) first, then the pinned
# dependencies from requirements.lock, then the project itself without resolving anything.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
# pip as pinned in requirements.lock; pip-tools 7.6 works with it.
PIP_VERSION := 26.3
PIP_TOOLS_VERSION := 7.6.2
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) Makefile | sha256sum | cut -c1-12)
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install lock system-deps index run test lint bench bench-second-corpus bench-cold-start eval-all clean

$(STAMP): pyproject.toml $(LOCK) Makefile
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet pip==$(PIP_VERSION)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

# Re-pin requirements.lock after changing dependencies in pyproject.toml: runtime plus the
# extras install uses. Pins still allowed are kept; `make lock LOCK_ARGS=--upgrade` moves
# every package to its newest allowed release. pip-tools is installed into the venv.
lock:
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet pip==$(PIP_VERSION)
	test -x $(BIN)/pip-compile || $(BIN)/pip install --quiet pip-tools==$(PIP_TOOLS_VERSION)
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links --extra test --extra llm --extra bench \
		--extra baseline $(LOCK_ARGS) -o $(LOCK) pyproject.toml

# Debian packages: headless Chromium for the browser tests, poppler's pdftotext (the best
# PDF text; PDFium reads PDFs without it) and pdfinfo for the Debian eval corpus, and
# PostgreSQL, whose throwaway clusters the workspace tests start (tests/conftest.py).
system-deps:
	@command -v chromium >/dev/null && command -v pdftotext >/dev/null && \
		ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver \
		poppler-utils postgresql >/dev/null; }

index: install
	$(BIN)/assistant index

run: index
	$(BIN)/assistant serve

lint: install
	$(BIN)/ruff check assistant tests $(wildcard benchmarks)
	$(BIN)/ruff format --check assistant tests $(wildcard benchmarks)
	$(BIN)/lint-imports

test: install system-deps lint
	$(BIN)/pytest

bench: install
	$(BIN)/python benchmarks/run.py

# The Debian eval corpus (built by eval-all, below): indexing against the model alone, chunk
# sizes and warm asks over evals/golden-debian.jsonl; about 10 minutes on 2 cores.
bench-second-corpus: install
	$(BIN)/python benchmarks/bench_second_corpus.py --corpus $(DEBIAN_CORPUS)

# A cold `assistant ask` against its floor, and a no-op `assistant index` on the eval corpora
# combined (built by eval-all; combined and indexed once into /tmp/issue29, minutes on 2 cores).
bench-cold-start: install
	$(BIN)/python benchmarks/bench_cold_start.py

# Every eval: the shipped corpus in all modes, then the Debian corpus, the Python
# documentation corpus, the release-notes corpus and the legal texts (each rebuilt from Debian's packages
# beside the repository, indexed into /tmp).
DEBIAN_CORPUS := ../corpora/debian
PYTHON_DOCS_CORPUS := ../corpora/python-docs
RELEASE_NOTES_CORPUS := ../corpora/release-notes
LICENSES_CORPUS := ../corpora/licenses
eval-all: install system-deps
	$(BIN)/assistant index --quiet
	$(BIN)/assistant eval
	$(BIN)/python evals/build_debian_corpus.py --out $(DEBIAN_CORPUS)
	$(BIN)/assistant index --quiet --corpus $(DEBIAN_CORPUS) --index /tmp/debian-index
	$(BIN)/assistant eval --corpus $(DEBIAN_CORPUS) --index /tmp/debian-index \
		--golden evals/golden-debian.jsonl --thresholds evals/thresholds-debian.toml \
		--report evals/reports/debian
	$(BIN)/python evals/build_python_docs_corpus.py --out $(PYTHON_DOCS_CORPUS)
	$(BIN)/assistant index --quiet --corpus $(PYTHON_DOCS_CORPUS) --index /tmp/python-docs-index
	$(BIN)/assistant eval --corpus $(PYTHON_DOCS_CORPUS) --index /tmp/python-docs-index \
		--golden evals/golden-python.jsonl --thresholds evals/thresholds-python.toml \
		--report evals/reports/python-docs
	$(BIN)/python evals/build_release_notes_corpus.py --out $(RELEASE_NOTES_CORPUS)
	$(BIN)/assistant index --quiet --corpus $(RELEASE_NOTES_CORPUS) --index /tmp/release-notes-index
	$(BIN)/assistant eval --corpus $(RELEASE_NOTES_CORPUS) --index /tmp/release-notes-index \
		--golden evals/golden-release-notes.jsonl --thresholds evals/thresholds-release-notes.toml \
		--report evals/reports/release-notes
	$(BIN)/python evals/build_licenses_corpus.py --out $(LICENSES_CORPUS)
	$(BIN)/assistant index --quiet --corpus $(LICENSES_CORPUS) --index /tmp/licenses-index
	$(BIN)/assistant eval --corpus $(LICENSES_CORPUS) --index /tmp/licenses-index \
		--golden evals/golden-licenses.jsonl --thresholds evals/thresholds-licenses.toml \
		--report evals/reports/licenses

clean:
	rm -rf $(VENV) index/chroma.sqlite3 index/*-*-*-*-* index/corpus-manifest.json \
		index/lexical-index index/onnx evals/reports
