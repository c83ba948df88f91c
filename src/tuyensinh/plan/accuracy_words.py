"""How accurate the forecast has been, in the planner's words: the report's sentences and table, and
what `tuyensinh backtest` prints (`tuyensinh.plan.accuracy` computes the figures). The comparison
with the real-data benchmark's baseline (`small_area_*`) is one plain sentence in the report's main
text, a table in its methods appendix, and a block of the printout."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.backtest import method_name, table_text
from forecast.settings import METHODS
from tuyensinh.plan.accuracy import (
    BASELINE,
    ENTRY_GRADES,
    METHOD,
    SIMPLE_BASELINE,
    SMALL_AREA_AGES,
    PlanningAccuracy,
)
from tuyensinh.words.labels import grade_name, kind_name, say
from tuyensinh.words.methods import say as methods_say

__all__ = [
    "accuracy_sentences",
    "accuracy_report_table",
    "format_planning_accuracy",
    "small_area_sentence",
    "small_area_frame",
    "small_area_text",
]


def _grade_in_sentence(grade: str, lang: str) -> str:
    name = grade_name(grade, lang)
    return name[:1].lower() + name[1:]


def _pct(value: float) -> str:
    """Whole percent rounded down, so a sentence never overstates (99.6 → "99")."""
    return f"{int(np.floor(float(value) + 1e-9))}"


def accuracy_sentences(acc: PlanningAccuracy, *, lang: str = "vi", kind: str = "phường", horizon: int = 1) -> list[str]:
    """Plain sentences on the forecasts made `horizon` year(s) ahead: one per entry grade for the
    whole ward ("Dự báo số trẻ vào lớp 1 của cả phường, 1 năm trước, đúng khoảng 97%; số lớp
    đúng 8/10 lần, lệch không quá 1 lớp 10/10 lần (nếu giữ nguyên …)"), then one for the
    school catchments (all entry grades) when the ward has current zones."""
    lines = []
    place = say("accuracy.place_ward", lang, kind=kind_name(kind or "phường", lang))
    school_parts = []
    for grade, level in ENTRY_GRADES:
        row = acc.row(grade, horizon, "ward", METHOD)
        if row is not None and not pd.isna(row["accuracy"]):
            sentence = say(
                "accuracy.sentence",
                lang,
                who=say("report.who_pupils" if level == "thcs" else "report.who_children", lang),
                grade=_grade_in_sentence(grade, lang),
                place=place,
                horizon=horizon,
                accuracy=_pct(row["accuracy"]),
                n=int(row["forecasts"]),
                exact=int(row["exact_count"]),
                within=int(row["within1_count"]),
            )
            base = acc.row(grade, horizon, "ward", BASELINE)
            if base is not None and not pd.isna(base["accuracy"]):
                sentence += say(
                    "accuracy.baseline_part",
                    lang,
                    accuracy=_pct(base["accuracy"]),
                    exact=int(base["exact_count"]),
                    n=int(base["forecasts"]),
                )
            lines.append(sentence + ".")
        school = acc.row(grade, horizon, "school", METHOD)
        if school is not None and not pd.isna(school["accuracy"]):
            school_parts.append(
                say(
                    "accuracy.school_part",
                    lang,
                    grade=_grade_in_sentence(grade, lang),
                    accuracy=_pct(school["accuracy"]),
                    exact=_pct(school["classes_exact"]),
                    within=_pct(school["classes_within1"]),
                )
            )
    if school_parts:
        lines.append(say("accuracy.school_line", lang, horizon=horizon, parts="; ".join(school_parts)) + ".")
    return lines


def accuracy_report_table(acc: PlanningAccuracy, *, lang: str = "vi") -> pd.DataFrame:
    """The compact table of the report: one row per entry grade × horizon; the method for the
    whole ward and per school catchment, and the naive baseline for the whole ward."""
    t = acc.table
    key = ["grade", "horizon"]
    ward = t[(t["scope"] == "ward") & (t["method"] == METHOD)].set_index(key)
    base = t[(t["scope"] == "ward") & (t["method"] == BASELINE)].set_index(key)
    school = t[(t["scope"] == "school") & (t["method"] == METHOD)].set_index(key)
    decimal = "," if lang == "vi" else "."

    def count(frame: pd.DataFrame, col: str) -> pd.Series:
        if frame.empty:
            return pd.Series(dtype=object)
        return frame.apply(lambda r: f"{int(r[col])}/{int(r['forecasts'])}", axis=1)

    def pct(values: pd.Series) -> pd.Series:
        return values.map(lambda v: "–" if pd.isna(v) else f"{v:.1f}%".replace(".", decimal))

    columns = {
        say("col.grade", lang): ward.index.get_level_values("grade").map(lambda g: grade_name(g, lang)),
        say("accuracy.col_horizon", lang): ward.index.get_level_values("horizon").astype(int),
        say("accuracy.col_ward_pupils", lang): pct(ward["accuracy"]).to_numpy(),
        say("accuracy.col_ward_exact", lang): count(ward, "exact_count").to_numpy(),
        say("accuracy.col_ward_within", lang): count(ward, "within1_count").to_numpy(),
    }
    if not school.empty:
        columns[say("accuracy.col_school_pupils", lang)] = pct(school["accuracy"].reindex(ward.index)).to_numpy()
        columns[say("accuracy.col_school_exact", lang)] = pct(school["classes_exact"].reindex(ward.index)).to_numpy()
        columns[say("accuracy.col_school_within", lang)] = pct(school["classes_within1"].reindex(ward.index)).to_numpy()
    simple = t[(t["scope"] == "ward") & (t["method"] == SIMPLE_BASELINE)].set_index(key)
    if not simple.empty:
        columns[methods_say("plain.col_simple_pupils", lang)] = pct(simple["accuracy"].reindex(ward.index)).to_numpy()
    if not base.empty:
        columns[say("accuracy.col_naive_pupils", lang)] = pct(base["accuracy"].reindex(ward.index)).to_numpy()
        b = base.reindex(ward.index)
        columns[say("accuracy.col_naive_exact", lang)] = [
            "–" if pd.isna(e) else f"{int(e)}/{int(n)}" for e, n in zip(b["exact_count"], b["forecasts"], strict=True)
        ]
    return pd.DataFrame(columns).reset_index(drop=True)


def format_planning_accuracy(acc: PlanningAccuracy, lang: str = "vi", *, kind: str = "phường") -> str:
    """Plain-text tables for `tuyensinh backtest`, Vietnamese by default (`lang="en"`: English):
    per scope, entry grade and horizon, accuracy of pupils and class counts exactly right /
    within one class, every method. `kind`: the ward's kind ('phường', 'xã', …) for the titles."""
    if acc.origins:
        lines = [say("accuracy.print_intro", lang, first=acc.origins[0], last=acc.origins[-1])]
    else:
        lines = [say("accuracy.print_none", lang)]
    scopes = (
        ("ward", say("accuracy.print_ward", lang, kind=kind_name(kind or "phường", lang))),
        ("school", say("accuracy.print_school", lang)),
    )
    for scope, title in scopes:
        part = acc.table[acc.table["scope"] == scope]
        if part.empty:
            continue
        for metric, key in (
            ("accuracy", "accuracy.print_accuracy"),
            ("classes_exact", "accuracy.print_exact"),
            ("classes_within1", "accuracy.print_within"),
        ):
            wide = part.pivot_table(index=["grade", "horizon"], columns="method", values=metric, sort=False)
            wide = wide[[m for m in METHODS if m in wide.columns]]
            wide.columns = [method_name(m, lang) for m in wide.columns]
            wide.columns.name = say("backtest.method", lang)
            wide.index = pd.MultiIndex.from_arrays(
                [
                    [grade_name(g, lang) for g in wide.index.get_level_values("grade")],
                    wide.index.get_level_values("horizon").astype(int),
                ],
                names=[say("col.grade", lang), say("accuracy.col_horizon", lang)],
            )
            lines += ["", say(key, lang, scope=title), table_text(wide, lang, decimals=1)]
    return "\n".join(lines)


def _combined(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["ages"] == ", ".join(str(a) for a in SMALL_AREA_AGES)]


def small_area_sentence(acc: PlanningAccuracy, lang: str = "vi") -> str | None:
    """One plain sentence: how far off the forecast of the quarters' children aged 6 and 11 has
    been 1 and (at most) 4 years ahead, against the simple baseline, and whether it was closer
    (None when the baseline was not backtested)."""
    table = _combined(acc.small_area)
    wide = table.pivot_table(index="horizon", columns="method", values="wmape") if not table.empty else None
    if wide is None or METHOD not in wide or SIMPLE_BASELINE not in wide:
        return None
    wide = wide[[METHOD, SIMPLE_BASELINE]].dropna()
    if wide.empty:
        return None
    first, last = int(wide.index.min()), int(wide.index.max())
    better = [int(h) for h in wide.index if wide.loc[h, METHOD] < wide.loc[h, SIMPLE_BASELINE]]
    worse = [int(h) for h in wide.index if int(h) not in better]
    if not worse:
        verdict = methods_say("plain.better_all", lang)
    elif not better:
        verdict = methods_say("plain.better_none", lang)
    else:
        join = ", ".join
        verdict = methods_say("plain.better_some", lang, better=join(map(str, better)), worse=join(map(str, worse)))

    def pct(value: float) -> str:  # one decimal: 2.6 and 3.2 do not both read "3"
        text = f"{float(value):.1f}"
        return text.replace(".", ",") if lang == "vi" else text

    return methods_say(
        "plain.small_area",
        lang,
        first=first,
        last=last,
        err_first=pct(wide.loc[first, METHOD]),
        err_last=pct(wide.loc[last, METHOD]),
        base_first=pct(wide.loc[first, SIMPLE_BASELINE]),
        base_last=pct(wide.loc[last, SIMPLE_BASELINE]),
        verdict=verdict,
    )


def small_area_frame(table: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """`small_area_scores` wide: one row per ages × horizon, the weighted MAPE of each method and
    the method's ratio to the simple baseline (numbers; the report formats them)."""
    if table.empty:
        return pd.DataFrame()
    wide = table.pivot_table(index=["ages", "horizon"], columns="method", values="wmape", sort=False)
    wide = wide[[m for m in METHODS if m in wide.columns]]
    ratio = table[table["method"] == METHOD].set_index(["ages", "horizon"])["ratio"]
    wide.columns.name = None
    frame = wide.rename(columns=lambda m: method_name(m, lang)).round(2)
    frame[methods_say("appendix.col_ratio", lang, method=method_name(METHOD, lang))] = ratio.reindex(wide.index).round(
        2
    )
    frame.index = frame.index.set_names([methods_say("appendix.col_ages", lang), say("accuracy.col_horizon", lang)])
    frame = frame.reset_index()
    both = " và " if lang == "vi" else " and "  # "6, 11" would read as a decimal in Vietnamese
    frame.iloc[:, 0] = frame.iloc[:, 0].str.replace(", ", both, regex=False)
    return frame


def small_area_text(table: pd.DataFrame, lang: str = "vi") -> str:
    """The printout block: the same scores as the real-data benchmark, on the ward's history."""
    frame = small_area_frame(table, lang)
    if frame.empty:
        return ""
    frame = frame.set_index(list(frame.columns[:2]))
    frame.columns.name = say("backtest.method", lang)
    return "\n".join([methods_say("backtest.small_area", lang), table_text(frame, lang, decimals=2)])
