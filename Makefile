# The two commands of the README:  make demo  and  make test
VENV ?= .venv
PY := $(VENV)/bin/python
# ajv and ajv-formats from npm: the tests validate plans against the JSON Schema with them
JS_DEPS := tests/js/node_modules/.installed

.PHONY: demo test check setup lint templates git-diff-docx clean

demo: setup
	$(VENV)/bin/familyplan-docs demo --out demo-out --pdf

# the whole suite, as CI runs it (two processes: the LibreOffice checks dominate the time)
test: setup lint
	$(PY) -m pytest -n 2

# the fast lane for the edit-test loop: no LibreOffice, a tenth of the Hypothesis examples,
# two processes
check: setup lint
	FAMILYPLAN_TEST_LANE=fast $(PY) -m pytest -m "not libreoffice" -n 2 -q

setup: $(VENV)/.installed $(JS_DEPS)

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

$(JS_DEPS): tests/js/package.json tests/js/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/js --no-audit --no-fund --silent && touch $@; \
	else \
		echo "npm is not installed: the ajv check of the JSON Schema is skipped (CI fails)"; \
	fi

templates: setup
	$(PY) tools/templates/build.py

git-diff-docx:
	git config diff.docx.textconv "python3 tools/docx_text.py"

clean:
	rm -rf $(VENV) demo-out
