# Every target creates or refreshes .venv by itself, so a fresh clone needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test bench check lint golden clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[web,test,bench]'
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/reportgen build -c report.yaml

check: $(STAMP)
	$(BIN)/reportgen check -c report.yaml

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check generator tests tools benchmarks
	$(BIN)/mypy

golden: $(STAMP)
	$(BIN)/python tools/update_golden.py

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) output/*.docx output/*/
