# Two commands on a fresh machine:  `make run`  (app on the demo data)  and  `make test`  (whole suite).
# Python >= 3.12 is needed (the routing engine's wheels exist for CPython >= 3.12 only); tools/find_python.sh looks
# for one on PATH and in pyenv's versions and says clearly when there is none. PYTHON=/path/to/python3.12 overrides.
PYTHON ?= $(shell sh tools/find_python.sh)
VENV   := .venv
BIN    := $(VENV)/bin
# The stores live in folders under $(DATA) (one per city, each with versioned snapshots); the demo city has its own.
DATA   ?= data
DEMO   := $(DATA)/musterstadt
KREIS  := $(DATA)/musterkreis
PORT   ?= 8501

.PHONY: run test install install-test demo demo-kreis bench clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Kein Python >= 3.12 gefunden (gesucht: python3.13, python3.12, python3, ~/.pyenv/versions/3.1[2-9]*). Bitte Python 3.12 oder neuer installieren oder PYTHON=/pfad/zu/python3.12 angeben." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(DEMO)/current.json: | $(VENV)/.installed
	$(BIN)/sozialraum demo --db $(DEMO)

demo: $(VENV)/.installed
	$(BIN)/sozialraum demo --db $(DEMO)

$(KREIS)/current.json: | $(VENV)/.installed
	$(BIN)/sozialraum demo --kreis --db $(KREIS)

demo-kreis: $(VENV)/.installed
	$(BIN)/sozialraum demo --kreis --db $(KREIS)

# SOZIALRAUM_DB=path (a store folder or a single .duckdb file) still pins the app to one store.
run: $(VENV)/.installed $(DEMO)/current.json $(KREIS)/current.json
	SOZIALRAUM_DATA=$(DATA) $(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-test
	for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) $(DEMO) $(DEMO).network $(KREIS) $(KREIS).network test-output
