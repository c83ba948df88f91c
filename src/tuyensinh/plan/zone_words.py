"""Which zones a plan's figures assume, in words: rooms short with the proposed zones beside
the current zones' (report.html's capacity table, the summary and the printed headlines)."""

from __future__ import annotations

import pandas as pd

from tuyensinh.plan.types import Plan
from tuyensinh.present.flags import ward_shortfall_sentences
from tuyensinh.words.labels import say

__all__ = ["current_shortfall", "shortfall_sentences"]


def current_shortfall(plan: Plan, rows: pd.DataFrame) -> dict[str, pd.Series]:
    """The rooms short of `rows`' schools and years under the current zones (zones.csv of the
    ward folder), as one labelled column beside the proposed zones' (none without zones.csv)."""
    if plan.capacity_current is None:
        return {}
    keys = ["school_id", "level", "school_year"]
    current = rows[keys].merge(plan.capacity_current[[*keys, "room_shortfall"]], on=keys, how="left")
    return {
        say("col.room_shortfall_current", plan.settings.lang): current["room_shortfall"]
        .fillna(0)
        .astype(int)
        .set_axis(rows.index)
    }


def shortfall_sentences(plan: Plan) -> list[str]:
    """Rooms short per level with the proposed zones, then with the current zones (when the
    ward has zones.csv), each sentence saying which zones it assumes."""
    ward, lang = plan.ward, plan.settings.lang
    lines = ward_shortfall_sentences(plan.capacity, ward.schools, lang=lang, zones="proposed")
    if plan.capacity_current is not None:
        lines += ward_shortfall_sentences(plan.capacity_current, ward.schools, lang=lang, zones="current")
    return lines
