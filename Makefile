# The two commands of the README, and a few helpers. Each target sets up .venv (and, for the tests,
# node_modules/) on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed

.PHONY: site test check serve golden clean system node_modules

## make site: build the whole site into site/ (strict: any broken link or anchor fails the build).
## make site SITE_URL=https://…/ builds it for publishing at that address (a placeholder address is refused).
site: $(STAMP) system
	$(BIN)/hemismart-site build --strict $(if $(SITE_URL),--site-url "$(SITE_URL)" --publish)

## make test: run the whole test suite; make test ARGS="-m 'not browser and not build'" is the fast inner loop
test: $(STAMP) $(NPM_STAMP) system
	$(BIN)/python -m pytest $(ARGS)

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

## make node_modules: the npm tools of the tests (the Nu HTML Checker, vnu-jar), exactly as package-lock.json
## pins them. No install scripts run: vnu-jar's would download a Java runtime; the machine's Java is used.
node_modules: $(NPM_STAMP)

$(NPM_STAMP): package.json package-lock.json
	PUPPETEER_SKIP_DOWNLOAD=true CHROMEDRIVER_SKIP_DOWNLOAD=true npm ci --ignore-scripts --no-audit --no-fund
	touch $(NPM_STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)
