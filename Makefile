# The two commands of the README:  make demo  and  make test
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo test setup lint templates clean

demo: setup
	$(VENV)/bin/familyplan-docs demo --out demo-out --pdf

test: setup lint
	$(PY) -m pytest

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml scripts/system-deps.sh
	bash scripts/system-deps.sh
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

lint: setup
	$(VENV)/bin/ruff check src tests tools benchmarks
	$(VENV)/bin/ruff format --check src tests tools benchmarks
	$(VENV)/bin/mypy

templates: setup
	$(PY) tools/templates/build.py

clean:
	rm -rf $(VENV) demo-out
