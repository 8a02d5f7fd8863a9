# Two commands on a fresh machine:  `make run`  (app on the demo data)  and  `make test`  (whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= data/sozialraum.duckdb
PORT   ?= 8501

.PHONY: run test install install-test demo bench clean

$(BIN)/python:
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

$(DB): | $(VENV)/.installed
	$(BIN)/sozialraum demo --db $(DB)

demo: $(VENV)/.installed
	$(BIN)/sozialraum demo --db $(DB)

run: $(VENV)/.installed $(DB)
	SOZIALRAUM_DB=$(DB) $(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-test
	for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) $(DB) test-output
