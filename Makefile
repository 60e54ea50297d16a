# The two commands: `make run` and `make test`. Everything else is a step they call.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev assets lint typecheck schema bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Front-end assets come from npm at build time and are served by the gateway (never a CDN).
web_clients/node_modules/.installed: web_clients/package.json web_clients/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd web_clients && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else \
		echo "npm not found: the explorer's assets will be missing (install Node.js to get them)"; \
	fi

assets: web_clients/node_modules/.installed

run: install assets
	HOST=$(HOST) PORT=$(PORT) $(BIN)/passport serve

test: install-dev assets
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/mypy

# Benchmarks (benchmarks/): the workloads against the floor and the naive baseline; `passport bench --help`.
bench: install
	$(BIN)/passport bench $(BENCH_ARGS)

schema: install
	$(BIN)/passport schema export > schema/schema.graphql

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
