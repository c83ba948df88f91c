"""The kinds of wards (phường, xã, thị trấn, đặc khu) in English headings: one mapping, any case."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from capacity.norms import load_norms
from tuyensinh.plan.accuracy import planning_accuracy
from tuyensinh.plan.accuracy_words import accuracy_sentences, format_planning_accuracy
from tuyensinh.words.labels import PLACE_KINDS_EN, kind_name, ward_title

SRC = Path(__file__).resolve().parents[3] / "src" / "tuyensinh"


@pytest.mark.parametrize(
    "kind, english",
    [
        ("phường", "ward"),
        ("Phường", "ward"),
        ("PHƯỜNG", "ward"),
        ("xã", "commune"),
        ("Xã", "commune"),
        ("thị trấn", "township"),
        ("Thị trấn", "township"),
        ("THỊ TRẤN", "township"),
        ("  thị   trấn ", "township"),
        ("đặc khu", "special zone"),
        ("Đặc khu", "special zone"),
    ],
)
def test_every_kind_has_its_english_word_in_any_case(kind, english):
    assert kind_name(kind, "en") == english
    assert kind_name(unicodedata.normalize("NFD", kind), "en") == english  # decomposed letters too
    assert ward_title(kind, "Tân Phú", "en") == f"Tân Phú {english}"


def test_vietnamese_keeps_the_kind_as_written():
    assert kind_name("Thị trấn", "vi") == "thị trấn"
    assert ward_title("thị trấn", "Tân Phú") == "Thị trấn Tân Phú"
    assert ward_title("xã", "Thiện Hòa", "vi") == "Xã Thiện Hòa"
    assert kind_name("khu kinh tế", "en") == "khu kinh tế"  # unknown: shown as written, never mistranslated
    with pytest.raises(ValueError, match="unknown output language"):
        kind_name("xã", "fr")


def test_accuracy_sentences_and_printout_use_the_same_words():
    norms = load_norms({}, {"private_share": {"tieu_hoc": 0.0}})
    cells = pd.DataFrame(
        {
            "method": "shrunk",
            "origin": [2020, 2021],
            "horizon": 1,
            "quarter_id": "Q1",
            "actual": [70.0, 72.0],
            "mean": [70.0, 71.0],
            "age": 6,
        }
    )
    cells["year"], cells["point"] = cells["origin"] + 1, cells["mean"].round()
    acc = planning_accuracy(cells, norms)
    for kind, english in PLACE_KINDS_EN.items():
        sentence = accuracy_sentences(acc, lang="en", kind=kind.title())[0]
        assert f"in the whole {english}, 1 year(s) ahead" in sentence
        assert f"whole {english}\n" in format_planning_accuracy(acc, "en", kind=kind.upper())
        assert f"của cả {kind}, 1 năm trước" in accuracy_sentences(acc, lang="vi", kind=kind)[0]


def test_one_mapping_only():
    """No other module of the app keeps its own kind → English dict."""
    pair = re.compile(r'"(phường|xã|thị trấn|đặc khu)"\s*:\s*"(ward|commune|township|special zone)"')
    holders = [path.name for path in SRC.rglob("*.py") if pair.search(path.read_text(encoding="utf-8"))]
    assert holders == ["labels.py"]
