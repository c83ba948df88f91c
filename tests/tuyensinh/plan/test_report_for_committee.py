"""report.html for a People's Committee reader: plain words in the main sections, the methods and
their words in the appendix at the end, printed on the paper `--paper` asks for (A4 by default),
as are the maps. The printed page is checked in headless Chromium when it is installed."""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from tuyensinh.cli import build_parser
from tuyensinh.plan import PlanSettings
from tuyensinh.plan.figures import zoning_maps
from tuyensinh.present.report import ReportSection, render_report
from tuyensinh.words.methods import JARGON

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
POPPLER = shutil.which("pdftotext") and shutil.which("pdfinfo")
needs_browser = pytest.mark.skipif(
    BROWSER is None or not POPPLER,
    reason="Chromium (apt-get install chromium) and poppler-utils (pdftotext, pdfinfo) are needed to print the report",
)
APPENDIX = '<section class="appendix"'


def _text(page: str) -> str:
    page = re.sub(r'src="data:[^"]*"', "", page)
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "\n", page))


def _found(word: str, text: str) -> list[str]:
    rx = re.compile(r"\b" + re.escape(word) + r"\b", re.I)
    return [line.strip() for line in text.splitlines() if rx.search(line)]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_main_sections_have_no_method_words_and_the_appendix_has_them(lang, request):
    result = request.getfixturevalue("vi_run")[0] if lang == "vi" else request.getfixturevalue("en_run")
    page = (result.out / "report.html").read_text(encoding="utf-8")
    assert page.count(APPENDIX) == 1
    main, appendix = page.split(APPENDIX)
    main_text, appendix_text = _text(main), _text(appendix)
    heading = "Phụ lục: phương pháp" if lang == "vi" else "Appendix: methods"
    assert heading in appendix_text.splitlines()[1:3]
    for word in JARGON[lang]:
        assert not _found(word, main_text), (word, _found(word, main_text)[:2])
        assert _found(word, appendix_text), word
    # the main text says what the forecast's error means in plain words
    plain = "lệch khoảng" if lang == "vi" else "off by about"
    assert plain in main_text
    assert appendix.index("</section>") > appendix.index("<table")  # the solver's table is in the appendix


def _pdf_pages(page: Path, out: Path) -> tuple[tuple[float, float], list[str]]:
    pdf = out / f"{page.stem}.pdf"
    assert BROWSER is not None
    subprocess.run(
        [
            BROWSER,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={out / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert pdf.is_file(), "Chromium wrote no PDF"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    size_line = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info)
    pages_line = re.search(r"Pages:\s+(\d+)", info)
    assert size_line and pages_line, info
    width, height = (float(v) * 25.4 / 72 for v in size_line.groups())
    count = int(pages_line.group(1))
    pages = [
        subprocess.run(
            ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True, text=True
        ).stdout
        for n in range(1, count + 1)
    ]
    return (round(width), round(height)), pages


@needs_browser
def test_printed_report_is_a4_with_the_appendix_on_its_own_pages(vi_run, tmp_path):
    result, _ = vi_run
    size, pages = _pdf_pages(result.out / "report.html", tmp_path)
    assert size == (210, 297)  # A4 portrait, mm
    first = next(i for i, p in enumerate(pages) if "Phụ lục: phương pháp" in p)
    assert pages[first].strip().startswith("Phụ lục: phương pháp")  # a new page
    assert first >= 3  # the plan's pages come first
    main = "\n".join(pages[:first])
    for word in JARGON["vi"]:
        assert not _found(word, main), word


@needs_browser
def test_report_prints_on_a3_when_asked(tmp_path):
    section = ReportSection("Dự báo", intro="Một đoạn.")
    for paper, expected in (("A3", (297, 420)), ("A4", (210, 297))):
        page = tmp_path / f"report_{paper}.html"
        page.write_text(
            render_report(
                title="T",
                subtitle="S",
                flags=[],
                sections=[section],
                footer="F",
                appendix=[ReportSection("Cách tính", intro="MAPE")],
                appendix_heading="Phụ lục: phương pháp",
                paper=paper,
            ),
            encoding="utf-8",
        )
        size, pages = _pdf_pages(page, tmp_path)
        assert size == expected, paper
        assert len(pages) == 2 and pages[1].strip().startswith("Phụ lục")


def _mediabox_mm(pdf: bytes) -> tuple[int, int]:
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert box, "no MediaBox"
    width, height = (round(float(v) * 25.4 / 72) for v in box.groups())
    return width, height


def test_paper_option_sets_the_maps_sheet(vi_run):
    result, _ = vi_run
    # default: A4, portrait or landscape, in maps/
    assert sorted(_mediabox_mm((result.out / "maps" / "zones_tieu_hoc.pdf").read_bytes())) == [210, 297]
    args = build_parser().parse_args(["plan", "W", "--out", "O"])
    assert (args.paper, args.orientation) == ("A4", "auto")
    args = build_parser().parse_args(["plan", "W", "--out", "O", "--paper", "A3", "--orientation", "portrait"])
    assert (args.paper, args.orientation) == ("A3", "portrait")
    with pytest.raises(ValueError, match="A4 or A3"):
        PlanSettings(paper="Letter")
    plan = result.plan
    a3 = replace(plan, settings=replace(plan.settings, paper="A3", map_orientation="portrait"))
    figures = zoning_maps(a3, orientation="portrait")
    buffer = io.BytesIO()
    figures["zones_tieu_hoc"].savefig(buffer, format="pdf")
    assert _mediabox_mm(buffer.getvalue()) == (297, 420)  # A3 portrait, mm
