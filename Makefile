# The two commands of the README, and a few helpers. Each target sets up .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test check serve golden clean system

## make site: build the whole site into site/ (strict: any broken link or anchor fails the build)
site: $(STAMP) system
	$(BIN)/hemismart-site build --strict

## make test: run the whole test suite
test: $(STAMP) system
	$(BIN)/python -m pytest

## make check: validate content/ and the translations, write nothing
check: $(STAMP)
	$(BIN)/hemismart-site check

## make serve: live preview at http://127.0.0.1:8000/en/
serve: $(STAMP)
	$(BIN)/hemismart-site serve

## make golden: refresh tests/golden/ after an intended change (then review the diff)
golden: $(STAMP)
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest tests/test_golden.py -q

## make system: Debian packages the build and tests need (Chromium, fonts, poppler), if missing
system:
	scripts/system-packages.sh

clean:
	rm -rf site .build

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)
