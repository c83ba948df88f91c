"""Every wording catalog of the app (`tuyensinh.words.*`, each a `Catalog`): both languages fill
the same placeholders, so no sentence loses a figure in one language; the province catalog's
refusals are Vietnamese with diacritics."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import tuyensinh.words
from tuyensinh.words.core import Catalog, WordedError, placeholders


def _catalogs() -> dict[str, Catalog]:
    found = {}
    for info in pkgutil.iter_modules(tuyensinh.words.__path__):
        module = importlib.import_module(f"tuyensinh.words.{info.name}")
        for value in vars(module).values():
            if isinstance(value, Catalog):
                found[value.name] = value
    return found


CATALOGS = _catalogs()


@pytest.mark.parametrize("name", sorted(CATALOGS))
def test_both_languages_fill_the_same_placeholders(name: str) -> None:
    catalog = CATALOGS[name]
    assert len(catalog) > 0
    for key, (vi, en) in catalog.items():
        assert placeholders(vi) == placeholders(en), f"{name}: {key}"


def test_the_province_refusals_are_vietnamese_with_diacritics_and_name_the_file() -> None:
    from tuyensinh.words.province import PROVINCE

    refusals = [key for key in PROVINCE if key.startswith("error.")]
    assert len(refusals) >= 10
    for key in refusals:
        vi, en = PROVINCE[key]
        assert vi != en and set(vi) & set("ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ"), key
    error = WordedError(PROVINCE.text("error.no_batch", path="out/batch.json", out="out"))
    assert str(error) == error.text("en") and "out/batch.json" in error.text("vi")
    assert error.text("vi").startswith("out/batch.json: không thấy tệp này")
