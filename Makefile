# Two commands for a newcomer: `make serve` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
# make test's processes (pytest-xdist): one per core by default; JOBS=0 runs the tests in this process.
JOBS   ?= auto

.PHONY: install build serve test test-slow test-reference test-remote clients reliability clean conformance vendor

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --progress-bar on -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# The browser libraries of the workbench (YASGUI, Observable Plot, d3, and CodeMirror 5 for the
# curation page's mapping editor), at the versions package-lock.json pins, from the npm registry,
# copied into the package (kg/web/static/vendor, gitignored) with their licences: the pages load
# them from this server, never from a CDN.
VENDOR := kg/web/static/vendor
$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)
	cp node_modules/@zazuko/yasgui/build/yasgui.min.js node_modules/@zazuko/yasgui/build/yasgui.min.css $(VENDOR)/
	cp node_modules/@observablehq/plot/dist/plot.umd.min.js node_modules/d3/dist/d3.min.js $(VENDOR)/
	cp node_modules/@observablehq/plot/LICENSE $(VENDOR)/plot.LICENSE
	cp node_modules/d3/LICENSE $(VENDOR)/d3.LICENSE
	mkdir -p $(VENDOR)/codemirror
	cp node_modules/codemirror/lib/codemirror.js node_modules/codemirror/lib/codemirror.css \
	   node_modules/codemirror/mode/yaml/yaml.js node_modules/codemirror/addon/lint/lint.js \
	   node_modules/codemirror/addon/lint/lint.css $(VENDOR)/codemirror/
	cp node_modules/codemirror/LICENSE $(VENDOR)/codemirror/LICENSE
	node -e 'const p=require("./node_modules/@zazuko/yasgui/package.json"); console.log(p.name+" "+p.version+", "+p.license+" licence, "+p.homepage)' >$(VENDOR)/yasgui.LICENSE
	touch $@

vendor: $(VENDOR)/.installed

# The JavaScript clients the tests drive against kg serve (Comunica's CLI), pinned by
# tests/clients/package-lock.json (undici held at 7.x, which runs on Debian's Node 20).
CLIENTS := tests/clients/node_modules/.installed
$(CLIENTS): tests/clients/package.json tests/clients/package-lock.json
	npm ci --prefix tests/clients --no-audit --no-fund --ignore-scripts
	touch $@

clients: $(CLIENTS)

build: $(STAMP)
	$(BIN)/kg build

serve: build vendor
	$(BIN)/kg serve --host $(HOST) --port $(PORT)

# The import contract (pyproject.toml, [tool.importlinter]) first: a wrong import fails here.
# The slow tests (marked `slow`: a whole build, pyshacl over the whole graph, a server of their
# own) are left out here and run by `make test-slow`; CI runs both. The tests run in $(JOBS)
# processes, a test module in one of them (its module fixtures are built once).
test: $(STAMP) vendor clients
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile -m "not slow and not reference"

test-slow: $(STAMP) vendor clients
	$(BIN)/python -m pytest -m slow

# The compiled consistency shapes against pyshacl, the reference implementation, over the whole
# graph with each invented source: minutes per test, so not in CI's time; run it after a change
# of shapes/ or kg/validation/native_shacl.py.
test-reference: $(STAMP)
	$(BIN)/python -m pytest -m reference

# The reliability and security suite (tests/reliability, issue 24) including the cases that start
# kg serve on loopback (its quick cases also run in make test); at most 20 minutes.
reliability: $(STAMP)
	KG_RELIABILITY=1 timeout 1200 $(BIN)/python -m pytest -p no:cacheprovider tests/reliability

# The same suite against an Oxigraph server (from PyPI, in the test extra) on loopback,
# started here on a free port with an empty in-memory store, and stopped afterwards: the quick
# tests, and of the slow ones those of the remote store itself (the others, mostly pyshacl
# against the compiled shapes and the benchmark, run once, in make test-slow, to keep CI in time).
test-remote: $(STAMP) vendor clients
	@set -e; dir=$$(mktemp -d); \
	port=$$($(BIN)/python -c 'from kg.bench.server_process import free_port; print(free_port())'); \
	$(BIN)/oxigraph serve --bind 127.0.0.1:$$port >"$$dir/oxigraph.log" 2>&1 & server=$$!; \
	trap 'kill $$server 2>/dev/null; rm -rf "$$dir"' EXIT; \
	url=http://127.0.0.1:$$port/query; \
	for i in $$(seq 1 100); do $(BIN)/python -c "import urllib.request as u; u.urlopen('$$url?query=ASK%7B%7D')" 2>/dev/null && break; sleep 0.1; done; \
	echo "testing against the Oxigraph server at $$url"; \
	KG_TEST_STORE=$$url $(BIN)/python -m pytest -m "not slow and not reference"; \
	KG_TEST_STORE=$$url $(BIN)/python -m pytest -m slow tests/store/test_remote.py

# The W3C SPARQL 1.1 test suites through `kg serve` over HTTP and in-process on pyoxigraph, one table
# per folder (kg/bench/conformance.py). The suite: W3C_TESTS=..., else $$KG_W3C_TESTS, else
# ../shared/w3c-rdf-tests beside the checkout. Not part of `make test`: it takes a few minutes.
conformance: $(STAMP)
	$(BIN)/python -m kg.bench.conformance $(W3C_TESTS)

clean:
	rm -rf $(VENV) var build .pytest_cache
