"""The norm table's refusals (`capacity.norms.NormProblem`) worded for the planner, in both languages.

Used for ward.toml's [norms] / [rates] (`tuyensinh.ward.config`) and a scenario's overrides
(`tuyensinh.scenarios.fit`): the same refusal reads the same wherever it was written.
"""

from __future__ import annotations

import re

from capacity.norms import NormProblem
from tuyensinh.words.problems import EMPTY, UNITS, Text, unit_text
from tuyensinh.words.problems import text as problem_text

__all__ = ["norm_problem_texts"]


def _shown(value: object) -> str:
    """A value as written in TOML: 50, 40.5, nan, "bốn mươi", true, {…}."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value + '"'
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_shown(v)}" for k, v in value.items()) + "}"
    return repr(value)


def _number(value: float) -> str:
    return f"{value:g}"


def _legal_source(document: str, article: str) -> Text:
    """'TT 32/2020/TT-BGDĐT, Điều 16 khoản 3' / '…, Art. 16 §3' (the document alone without an article)."""
    if not article:
        return Text(document, document)
    vi = re.sub(r"§\s*(\d+)", r"khoản \1", re.sub(r"Art\.\s*(\d+)", r"Điều \1", article))
    return Text(f"{document}, {vi}", f"{document}, {article}")


def norm_problem_texts(problem: NormProblem) -> tuple[Text, Text]:
    """(what is wrong, what to write) for an override the norm table refuses, in both languages."""
    p, path, key = problem.params, problem.path, problem.key or problem.section.split(".")[-1]
    value = _shown(problem.value)
    limits = {"low": _number(p.get("low", 0)), "high": _number(p.get("high", 0)), "unit": unit_text(p.get("unit", ""))}
    if problem.kind == "not_table":
        return problem_text("toml.override_not_table", top=path), problem_text("fix.toml.override_not_table", top=path)
    if problem.kind == "fixed":
        return (
            problem_text("norm.fixed", path=path, source=_legal_source(p["document"], p["article"])),
            problem_text("fix.norm.fixed"),
        )
    if problem.kind == "unknown_key":
        guess = p.get("guess")
        hint = problem_text("hint.did_you_mean", guess=guess) if guess else EMPTY
        message = problem_text("norm.unknown_key", key=problem.key, section=problem.section, hint=hint)
        if p["allowed"]:
            return message, problem_text("fix.norm.keys", section=problem.section, allowed=", ".join(p["allowed"]))
        parent, level = problem.section.rsplit(".", 1)
        return message, problem_text(
            "fix.norm.one_number", section=problem.section, parent=parent, level=level, example=p.get("example", "30")
        )  # the level's own figure in the norm table
    if problem.kind == "not_number":
        return problem_text("norm.not_number", path=path, value=value), problem_text("fix.norm.number", **limits)
    if problem.kind == "not_whole":
        return (
            problem_text("norm.not_whole", path=path, value=value, unit=limits["unit"]),
            problem_text("fix.norm.whole", key=key, example=int(problem.value)),
        )
    if problem.kind == "out_of_range":
        return (
            problem_text("norm.out_of_range", path=path, value=value, **limits),
            problem_text("fix.norm.range", low=limits["low"], high=limits["high"]),
        )
    if problem.kind == "above_legal":
        legal = _number(p["legal"])
        unit = Text(" " + UNITS.get(p["unit"], p["unit"]), " " + p["unit"]) if p["unit"] else EMPTY
        return (
            problem_text(
                "norm.above_legal",
                path=path,
                value=value,
                legal=legal,
                unit=unit,
                source=_legal_source(p["document"], p["article"]),
            ),
            problem_text("fix.norm.above_legal", key=key, legal=legal),
        )
    return problem_text("norm.no_match", path=path), problem_text("fix.norm.no_match")
