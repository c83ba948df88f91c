"""Zoning notes and errors as records, worded for the planner in Vietnamese or English.

A `Note(key, params)` is one thing a planner should read about a zoning: a school over
capacity, a time limit reached, quarters with no school within the maximum distance.
`ZoningError` is a ValueError carrying the same kind of (key, params) when no zoning can be
made. Both are worded by `text(lang)` from the one wording table in `zoning.labels`
(Vietnamese with diacritics by default, English with lang="en"; numbers as
`zoning.labels.number` writes them, levels by their names in `capacity.grades`).
`Note.script_text()` and `str(ZoningError)` are the fixed English that `ZoningResult.notes`,
solver.json and scripts have always read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from capacity.grades import school_year_label
from forecast.langs import check_lang
from zoning.labels import SCRIPT_TEXT, level_in_sentence, map_text, number, percent, school_years_text

__all__ = ["Note", "ZoningError", "NOTE_KINDS", "ERROR_KINDS", "MAX_LISTED_QUARTERS"]

NOTE_KINDS = ("stranded", "start_kept", "time_limit", "overflow", "contiguity_exempt")
"""stranded: quarters with no school within `max_distance` (they keep their nearest school);
contiguity_exempt: quarters that no contiguous zone can reach (islands, gaps between
boundaries), exempted from the contiguity rule;
start_kept: the solver found nothing in time, the start zoning is shown; time_limit: a zoning
not proven optimal; overflow: pupils beyond a school's seats in one school year."""
ERROR_KINDS = ("infeasible", "no_solution", "contiguity_impossible", "split_with_contiguity", "negative_weights")
MAX_LISTED_QUARTERS = 10
"""Quarters named in a note or an error; the rest are counted."""


def _plain(value: Any) -> Any:
    """Params as plain, hashable Python values (numpy scalars unwrapped, sequences as tuples)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple, np.ndarray)):
        return tuple(_plain(v) for v in value)
    return value


def _check_lang(lang: str) -> str:
    return check_lang(lang)


def _decimal(value: float, lang: str) -> str:
    """60 → '60', 0.05 → '0,05' (as many decimals as the value has, at most 3)."""
    written = f"{float(value):.3f}".rstrip("0").rstrip(".")
    decimals = len(written.split(".")[1]) if "." in written else 0
    return number(float(value), lang, decimals)


def _pupils(value: float, lang: str) -> str:
    """Pupils, to one decimal unless whole: 30 → '30', 12.34 → '12,3'; 0.02 → 'dưới 0,1' (a
    forecast mean just over the seats)."""
    rounded = round(float(value), 1)
    if value > 0 and rounded == 0:
        return map_text("piece.less_than", lang, value=number(0.1, lang, 1))
    return number(rounded, lang, 0 if rounded == round(rounded) else 1)


def _quarters(ids: tuple[str, ...], lang: str) -> str:
    shown = ", ".join(ids[:MAX_LISTED_QUARTERS])
    more = len(ids) - MAX_LISTED_QUARTERS
    return map_text("piece.more_quarters", lang, shown=shown, more=more) if more > 0 else shown


def _planner_fields(key: str, params: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """The fields of the wording of `key` in `lang`, from its params."""
    fields: dict[str, Any] = dict(params)
    level = params.get("level")
    if level is not None:
        name = level_in_sentence(level, lang)
        fields["level"] = name
        fields["Level"] = name[:1].upper() + name[1:]
        fields["who"] = map_text("piece.who_children" if level == "mam_non" else "piece.who_pupils", lang)
    if "school_years" in params:
        fields["years"] = school_years_text(params["school_years"], lang)
    if "school_year" in params:
        fields["year"] = school_year_label(params["school_year"])
    if "time_limit" in params:
        fields["seconds"] = _decimal(params["time_limit"], lang)
    if "pupils" in params:
        fields["pupils"] = _pupils(params["pupils"], lang)
    if params.get("max_distance") is not None:
        fields["max_distance"] = number(params["max_distance"], lang)
    if "quarter_ids" in params:
        fields["quarters"] = _quarters(params["quarter_ids"], lang)
    if key == "time_limit":
        gap = params.get("gap")
        fields["gap"] = (
            map_text("note.gap_unknown", lang)
            if gap is None
            else map_text("note.gap_known", lang, gap=percent(gap, lang, 2))
        )
    if key == "infeasible":
        limits, relax = [], []
        if params.get("contiguity"):
            limits.append(map_text("piece.limit_contiguity", lang))
            relax.append(map_text("piece.relax_contiguity", lang))
        if params.get("max_distance"):
            limits.append(map_text("piece.limit_distance", lang, metres=fields["max_distance"]))
            relax.append(map_text("piece.relax_distance", lang))
        fields["limits"] = "; ".join(limits) or "–"
        fields["relax"] = map_text("piece.or", lang).join(relax) or map_text("piece.relax_other", lang)
    if key == "negative_weights":
        fields["stability"] = _decimal(params["stability"], lang)
        fields["distance_penalty"] = _decimal(params["distance_penalty"], lang)
    return fields


def _script_fields(params: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of the fixed English in `SCRIPT_TEXT` (codes, Python number formats)."""
    fields: dict[str, Any] = dict(params)
    if "school_years" in params:
        fields["years_list"] = str(list(params["school_years"]))
    if "quarter_ids" in params:
        fields["first_quarters"] = ", ".join(params["quarter_ids"][:MAX_LISTED_QUARTERS])
    gap = params.get("gap")
    fields["gap_text"] = "unknown" if gap is None else f"{gap:.2%}"
    fields["contiguity_text"] = " (contiguous zones)" if params.get("contiguity") else ""
    max_distance = params.get("max_distance")
    fields["distance_text"] = f" (at most {max_distance:,.0f} m)" if max_distance else ""
    return fields


@dataclass(frozen=True)
class Note:
    """One thing a planner should read about a zoning: `key` (one of `NOTE_KINDS`) and its
    `params` as (name, value) pairs; build it with `Note.of(key, **params)`.

    Params by key: stranded: level, count, max_distance (metres), quarter_ids;
    contiguity_exempt: level, count, quarter_ids; start_kept:
    level, school_years, time_limit (seconds); time_limit: the same and gap (fraction or None);
    overflow: level, school_id, name, school_year, pupils.
    """

    key: str
    params: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        if self.key not in NOTE_KINDS:
            raise ValueError(f"unknown zoning note {self.key!r}: one of {', '.join(NOTE_KINDS)}")

    @classmethod
    def of(cls, key: str, **params: Any) -> Note:
        """The note `key` with `params` (numpy values and lists are stored as plain tuples)."""
        return cls(key, tuple((name, _plain(value)) for name, value in params.items()))

    @property
    def fields(self) -> dict[str, Any]:
        """The params as a dict."""
        return dict(self.params)

    def text(self, lang: str = "vi") -> str:
        """The note as the planner reads it, in `lang` ("vi" or "en")."""
        _check_lang(lang)
        key = self.key
        if key in ("stranded", "contiguity_exempt") and self.fields.get("count") == 1:
            key = f"{key}_one"
        return map_text(f"note.{key}", lang, **_planner_fields(self.key, self.fields, lang))

    def script_text(self) -> str:
        """The fixed English of `ZoningResult.notes` (what scripts and solver.json read)."""
        return SCRIPT_TEXT[f"note.{self.key}"].format(**_script_fields(self.fields))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: {"key": ..., "params": {...}} (tuples as lists)."""
        return {
            "key": self.key,
            "params": {name: list(value) if isinstance(value, tuple) else value for name, value in self.params},
        }


class ZoningError(ValueError):
    """No zoning can be made as asked. `key` (one of `ERROR_KINDS`) and `params` say why;
    `text(lang)` words it for the planner; `str(error)` is the fixed English scripts read.

    Params by key: infeasible: level, contiguity (bool), max_distance (metres or None);
    no_solution: level, time_limit, solver, solver_status; contiguity_impossible: quarter_ids;
    split_with_contiguity: none; negative_weights: stability, distance_penalty.
    (The errors of `tuyensinh zone`'s own arguments are the command's: `tuyensinh.cli.errors`.)
    """

    def __init__(self, key: str, **params: Any) -> None:
        if key not in ERROR_KINDS:
            raise ValueError(f"unknown zoning error {key!r}: one of {', '.join(ERROR_KINDS)}")
        self.key = key
        self.params: dict[str, Any] = {name: _plain(value) for name, value in params.items()}
        super().__init__(SCRIPT_TEXT[f"error.{key}"].format(**_script_fields(self.params)))

    def text(self, lang: str = "vi") -> str:
        """The error as the planner reads it, in `lang` ("vi" or "en")."""
        _check_lang(lang)
        return map_text(f"error.{self.key}", lang, **_planner_fields(self.key, self.params, lang))

    def __reduce__(self):  # keep key and params through pickling (multiprocessing)
        return (_rebuild_error, (self.key, self.params))


def _rebuild_error(key: str, params: dict[str, Any]) -> ZoningError:
    return ZoningError(key, **params)
