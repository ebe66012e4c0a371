# The two commands a user needs: `make reproduce` and `make test`. Both set up first.
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
OUT     ?= results
PRESET  ?= quick
TORCH   := torch==2.13.0

.PHONY: setup reproduce test bench lint clean

setup: $(STAMP)

# torch first (the CPU wheel), so the package's pin is already met and no CUDA build is pulled.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(TORCH)
	$(BIN)/python -m pip install --quiet -e ".[all,dev]"
	touch $(STAMP)

reproduce: setup
	$(BIN)/neurips25 reproduce --preset $(PRESET) --out $(OUT)

test: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider

bench: setup
	$(BIN)/python -m benchmarks

lint: setup
	$(BIN)/ruff check src tests benchmarks

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache build src/*.egg-info
