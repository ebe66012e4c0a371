# The two commands a user needs: `make reproduce` and `make test`. Both set up first.
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
OUT     ?= results
PRESET  ?= quick
# The torch requirement and extra pip arguments for it, both overridable, e.g.
#   make setup TORCH="torch==2.13.0+cpu" PIP_TORCH_ARGS="--index-url URL-OF-A-CPU-ONLY-INDEX"
TORCH          ?= torch==2.13.0
PIP_TORCH_ARGS ?=

.PHONY: setup reproduce test bench lint clean

setup: $(STAMP)

# torch first, so the package's pin is already met when the package installs. Which build
# `pip install torch==2.13.0` gets depends on the index pip uses: this project's machines
# serve the CPU wheel; the default public index serves a CUDA build on Linux (GBs). For a
# CPU-only install there, point PIP_TORCH_ARGS at a CPU-only index (see README).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(PIP_TORCH_ARGS) "$(TORCH)"
	$(BIN)/python -c "import torch; print('torch', torch.__version__, 'CUDA build' if torch.version.cuda else 'CPU build')"
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
