# Two commands a planner needs: `make demo` and `make test`.
# Both create or refresh the local virtual environment .venv and install what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
WARD   ?= data/wards/phuoc_binh
OUT    ?= out/phuoc_binh

.PHONY: demo test venv benchmark clean lint check

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/tuyensinh plan $(WARD) --out $(OUT)

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
