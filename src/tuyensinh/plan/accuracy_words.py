"""How accurate the forecast has been, in the planner's words: the report's sentences and table, and
what `tuyensinh backtest` prints (`tuyensinh.plan.accuracy` computes the figures)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.backtest import method_name, table_text
from forecast.settings import METHODS
from tuyensinh.plan.accuracy import BASELINE, ENTRY_GRADES, METHOD, PlanningAccuracy
from tuyensinh.words.labels import grade_name, kind_name, say

__all__ = ["accuracy_sentences", "accuracy_report_table", "format_planning_accuracy"]


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
