# Two commands a planner needs: `make demo` and `make test` (and `make notebook` to open the notebooks).
# Each creates or refreshes the local virtual environment .venv and installs what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOK_STAMP := $(VENV)/.installed-notebook
WARD   ?= data/wards/phuoc_binh
OUT    ?= out/phuoc_binh

.PHONY: demo test venv benchmark clean lint check notebook notebooks-build

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/tuyensinh plan $(WARD) --out $(OUT)

# JupyterLab (the `notebook` extra of pyproject.toml) into the same .venv — only for `make notebook`,
# never for `make test`
$(NOTEBOOK_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test,notebook]"
	touch $(NOTEBOOK_STAMP)

# opens the planners' notebooks in JupyterLab (in the browser); JUPYTER_ARGS="--no-browser --port 8899" e.g.
notebook: $(NOTEBOOK_STAMP)
	$(BIN)/jupyter lab notebooks/ $(JUPYTER_ARGS)

# rewrites notebooks/*.ipynb from notebooks/build_notebooks.py, executed (outputs stored; ~2 minutes):
# after changing a cell in the builder, or when the plan's figures change
notebooks-build: $(STAMP)
	$(BIN)/python notebooks/build_notebooks.py

# the linter, the formatter's check and the type checker first (zero findings; the few justified
# exceptions are written where they occur), then the tests and the notebooks
test: check
	MPLBACKEND=Agg $(BIN)/python -m pytest -q --nbmake tests notebooks

check: $(STAMP)
	$(BIN)/ruff check src tests benchmarks notebooks scripts
	$(BIN)/ruff format --check src tests benchmarks notebooks scripts
	$(BIN)/mypy

benchmark: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf out .pytest_cache

lint: check
