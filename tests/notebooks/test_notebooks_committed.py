"""The planners' notebooks as committed (notebooks/*.ipynb).

- in sync with their builder (notebooks/build_notebooks.py), outputs aside;
- executed: every code cell carries its outputs, charts as PNG, no error or warning output, no
  timings or machine paths (the files are deterministic), each file under 1.5 MB;
- narrated in Vietnamese with diacritics (a markdown cell written in English fails);
- `make notebook` installs JupyterLab through the project's own `notebook` extra and opens them.

`make test` also executes them (`pytest --nbmake notebooks`).
"""

from __future__ import annotations

import importlib.util
import re
import tempfile
import tomllib
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
MAX_BYTES = 1_500_000


def _builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_notebooks", NOTEBOOKS / "build_notebooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUILDER = _builder()
NAMES = list(BUILDER.NOTEBOOKS)


def _committed(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


# --- the language of the narration ------------------------------------------------------------

#: English function words that are not also Vietnamese words without marks ("to", "an", "in" are).
ENGLISH_WORDS = frozenset(
    [
        "the",
        "and",
        "of",
        "is",
        "are",
        "for",
        "with",
        "that",
        "this",
        "it",
        "be",
        "by",
        "from",
        "on",
        "as",
        "or",
        "not",
        "into",
        "than",
        "when",
        "where",
        "which",
        "what",
        "how",
        "its",
        "their",
        "we",
        "you",
        "your",
        "each",
        "every",
        "was",
        "were",
        "has",
        "have",
        "will",
        "can",
        "there",
        "these",
        "those",
    ]
)
VIETNAMESE_LETTERS = set("àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ")
#: Vietnamese words written without their marks ("truong" for "trường"): never words of their own.
UNMARKED = frozenset(["truong", "phuong", "hoc", "duoc", "khong", "nguoi", "tuyen", "thieu", "tieu", "cua", "nhung"])


def _prose(markdown: str) -> list[str]:
    """The words of a markdown cell, code (fenced and inline) and links' targets left out."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.DOTALL)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return re.findall(r"[^\W\d_]+", text.lower())


def language_problem(markdown: str) -> str | None:
    """Why a markdown cell is not Vietnamese prose with diacritics, or None when it is."""
    words = _prose(markdown)
    if not words:
        return None
    english = [w for w in words if w in ENGLISH_WORDS]
    marked = [w for w in words if VIETNAMESE_LETTERS & set(w)]
    unmarked = sorted({w for w in words if w in UNMARKED})
    if len(english) >= 2 or len(english) > 0.05 * len(words):
        return f"English words {sorted(set(english))} ({len(english)} of {len(words)})"
    if len(words) >= 5 and len(marked) < 0.3 * len(words):
        return f"only {len(marked)} of {len(words)} words carry Vietnamese marks"
    if unmarked:
        return f"Vietnamese written without its marks: {unmarked}"
    return None


def test_the_language_check_tells_english_from_vietnamese() -> None:
    # the narration of the notebooks before this check (issue 16: Vietnamese headings, English text)
    old = (
        "# 1. Dự báo dân số — the December forecast refresh\n\nEvery December the ward office (Phòng "
        "Văn hóa – Xã hội) refreshes the **forecast of children by single year of age in every quarter**."
    )
    assert language_problem(old) is not None
    assert language_problem("## Load and check the ward folder") is not None
    assert language_problem("Mỗi tháng 12, phòng Văn hóa – Xã hội cập nhật dự báo số trẻ.") is None
    assert language_problem("Moi thang 12, phong Van hoa cap nhat du bao so tre cua truong") is not None
    # code and file names are not prose: `the_file.csv` does not make a Vietnamese cell English
    assert language_problem("Đổi `WARD_DIR = the and of` trong ô mã đầu tiên của sổ tay.") is None


@pytest.mark.parametrize("name", NAMES)
def test_every_markdown_cell_is_vietnamese(name: str) -> None:
    notebook = _committed(name)
    problems = {
        cell.id: problem
        for cell in notebook.cells
        if cell.cell_type == "markdown" and (problem := language_problem(cell.source))
    }
    assert not problems, f"{name}: markdown cells not in Vietnamese: {problems}"
    # the first cell tells a planner how to use their own ward folder
    assert "WARD_DIR" in notebook.cells[0].source and "phường/xã của bạn" in notebook.cells[0].source


# --- built by the builder, executed, deterministic, small --------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_is_the_builders(name: str) -> None:
    built, committed = BUILDER.build(name), _committed(name)
    assert [(c.cell_type, c.id, c.source) for c in committed.cells] == [
        (c.cell_type, c.id, c.source) for c in built.cells
    ], f"notebooks/{name}.ipynb differs from its builder: run `make notebooks-build`"
    assert committed.metadata == built.metadata  # no kernel version details that churn


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_carries_its_outputs(name: str) -> None:
    notebook = _committed(name)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1)), "run top to bottom"
    for cell in code:
        assert cell.outputs, f"{name} cell {cell.id} has no output: build the notebooks executed"
        kinds = {output.output_type for output in cell.outputs}
        assert "error" not in kinds, f"{name} cell {cell.id} failed"
        streams = {output.name for output in cell.outputs if output.output_type == "stream"}
        assert "stderr" not in streams, f"{name} cell {cell.id} writes to stderr (a warning or a progress bar)"
        assert "execution" not in cell.metadata, "timings churn on every build"
    images = [o for c in code for o in c.outputs if "image/png" in o.get("data", {})]
    tables = [o for c in code for o in c.outputs if "text/html" in o.get("data", {})]
    assert images, f"{name} shows no chart"
    assert tables, f"{name} shows no table"
    text = nbformat.writes(notebook)
    for machine_path in {str(REPO), tempfile.gettempdir() + "/"}:
        assert machine_path not in text, f"{name} stores the path {machine_path}: outputs would churn"


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_is_small(name: str) -> None:
    size = (NOTEBOOKS / f"{name}.ipynb").stat().st_size
    assert size < MAX_BYTES, f"{name}.ipynb is {size / 1e6:.2f} MB: lower the charts' dpi"


# --- the bugs of issue 16, as the committed notebooks show them ---------------------------------


class _TableParser(HTMLParser):
    """The first HTML table of an output: its first header row and its body rows (index left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.header: list[str] = []
        self.rows: list[list[str]] = []
        self._section, self._kind = "", ""
        self._row: list[str] = []
        self._cell: str | None = None
        self._header_rows = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("thead", "tbody"):
            self._section = tag
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td"):
            self._cell, self._kind = "", tag

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell += data

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            if self._section == "thead" or self._kind == "td":
                self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr" and self._section == "thead":
            self._header_rows += 1
            if self._header_rows == 1:
                self.header = self._row[1:]
        elif tag == "tr" and self._section == "tbody":
            self.rows.append(self._row)


def _shown_table(name: str, cell_id: str) -> dict[str, list[float]]:
    """The table a committed notebook shows in cell `cell_id`, column → numbers."""
    (cell,) = [cell for cell in _committed(name).cells if cell.id == cell_id]
    (html,) = [o["data"]["text/html"] for o in cell.outputs if "text/html" in o.get("data", {})]
    parser = _TableParser()
    parser.feed(html)
    return {column: [float(row[i]) for row in parser.rows] for i, column in enumerate(parser.header)}


def test_notebook_01_bands_are_of_children_only() -> None:
    # issue 16: the "15–17" column summed ages 15–64 (the age was clipped at 15)
    bands = _shown_table("01_du_bao", "01-03")
    parts = ["0–2", "3–5", "6–10", "11–14", "15–17"]
    assert list(bands) == [*parts, "0–17"]
    for row, total in enumerate(bands["0–17"]):
        assert sum(bands[part][row] for part in parts) == total
        # three single years of age cannot hold twice as many people per year as the four before
        assert bands["15–17"][row] / 3 < 2 * bands["11–14"][row] / 4


def test_notebook_02_stability_table_shows_a_trade_off() -> None:
    # issue 16: the stability table showed identical rows for 0, 300 and 3,000
    table = _shown_table("02_phan_tuyen", "02-10")
    moved, walk = table["số khu phố đổi trường"], table["quãng đường trung bình (m)"]
    assert table["trọng số ổn định (m)"] == [0, 300, 1000, 3000]
    assert moved == sorted(moved, reverse=True) and moved[0] > moved[-1]  # more weight, fewer moves
    assert walk == sorted(walk) and walk[0] < walk[-1]  # … and more walking


# --- make notebook ----------------------------------------------------------------------------


def _recipe(makefile: str, target: str) -> list[str]:
    """The recipe lines of `target` in a Makefile (the tab-indented lines after `target:`)."""
    lines = makefile.splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(rf"^{re.escape(target)}\s*:", line))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def _prerequisites(makefile: str, target: str) -> list[str]:
    line = next(line for line in makefile.splitlines() if re.match(rf"^{re.escape(target)}\s*:", line))
    return line.split(":", 1)[1].split()


def test_make_notebook_installs_jupyterlab_from_the_notebook_extra_and_opens_the_notebooks() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    extras = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert any(re.match(r"jupyterlab\s*>=\s*4", requirement) for requirement in extras["notebook"])
    # `make notebook` depends on the stamp whose recipe installs the extra into .venv
    (stamp,) = _prerequisites(makefile, "notebook")
    install = " ".join(_recipe(makefile, stamp))
    assert "pip install" in install and re.search(r"\.\[[^\]]*\bnotebook\b[^\]]*\]", install), install
    assert any(re.search(r"jupyter lab .*notebooks", line) for line in _recipe(makefile, "notebook"))
    # `make test` does not install JupyterLab
    assert "notebook" not in " ".join(_recipe(makefile, "$(STAMP)"))
    # one command rebuilds the notebooks with their outputs
    assert any("notebooks/build_notebooks.py" in line for line in _recipe(makefile, "notebooks-build"))
